package org.estuary.core.config;

import java.util.List;
import java.util.Objects;

/**
 * The REST control API and the ops endpoints on its port.
 *
 * @param port            TCP port (0 = any free port)
 * @param corsAllowOrigin cross-origin callers allowed: "*", a comma-separated list of origins, or ""
 *                        (= "*" while auth is none, no cross-origin caller once auth is on)
 * @param maxBodyBytes    largest accepted request body, in bytes
 * @param auth            none | basic | bearer
 * @param users           "user:password" entries for basic
 * @param tokens          accepted bearer tokens
 * @param tokensFile      a file with more tokens, one per line ("" = none)
 * @param protectMetrics  whether /metrics needs credentials too when auth is on
 */
public record RestConfig(int port, String corsAllowOrigin, int maxBodyBytes, RestAuth auth, List<String> users,
                         List<String> tokens, String tokensFile, boolean protectMetrics) {

    public RestConfig {
        Objects.requireNonNull(corsAllowOrigin, "corsAllowOrigin");
        Objects.requireNonNull(auth, "auth");
        users = List.copyOf(users);
        tokens = List.copyOf(tokens);
        Objects.requireNonNull(tokensFile, "tokensFile");
    }

    public static RestConfig defaults() {
        return new RestConfig(8081, "", 1_048_576, RestAuth.NONE, List.of(), List.of(), "", true);
    }
}
