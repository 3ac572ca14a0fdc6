package org.estuary.core.config;

import java.util.List;
import java.util.Objects;

/**
 * Static admission rules for operators without a backend.
 *
 * @param publishNetworks IP addresses / CIDR blocks publishers may come from (empty = anywhere)
 * @param playNetworks    IP addresses / CIDR blocks players may come from (empty = anywhere)
 * @param publishSecret   shared secret publishers must give in the query ("" = none)
 * @param playSecret      shared secret players must give in the query ("" = none)
 * @param secretParam     name of the query parameter carrying the secret
 */
public record AccessConfig(List<String> publishNetworks, List<String> playNetworks, String publishSecret,
                           String playSecret, String secretParam) {

    public AccessConfig {
        publishNetworks = List.copyOf(publishNetworks);
        playNetworks = List.copyOf(playNetworks);
        Objects.requireNonNull(publishSecret, "publishSecret");
        Objects.requireNonNull(playSecret, "playSecret");
        Objects.requireNonNull(secretParam, "secretParam");
    }

    public static AccessConfig defaults() {
        return new AccessConfig(List.of(), List.of(), "", "", "secret");
    }
}
