package org.estuary.core.session;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.estuary.core.net.AddressFilter;

/**
 * Admission rules for users without a backend: publishing (and playing) allowed only from listed
 * networks and/or with a shared secret in the query ({@code rtmp://host/live/cam?secret=...}).
 * Connect is never refused here (the rules are about streams). A network rule applies only where
 * the protocol exposes the client address; requests without one (streams started through the
 * authenticated REST API) are judged by the secret alone.
 *
 * @param publishNetworks where publishers may come from (empty = anywhere)
 * @param playNetworks    where players may come from (empty = anywhere)
 * @param publishSecret   secret a publisher must give ("" = none)
 * @param playSecret      secret a player must give ("" = none)
 * @param secretParam     name of the query parameter carrying the secret
 */
public record StaticRules(AddressFilter publishNetworks, AddressFilter playNetworks, String publishSecret,
                          String playSecret, String secretParam)
        implements Admission {

    /** True when these rules can refuse anything (otherwise a chain need not hold them). */
    public boolean restrictsAnything() {
        return !publishNetworks.allowsAll() || !playNetworks.allowsAll() || !publishSecret.isEmpty() || !playSecret.isEmpty();
    }

    @Override
    public CompletionStage<AdmissionDecision> check(AdmissionRequest r) {
        return CompletableFuture.completedFuture(decide(r));
    }

    AdmissionDecision decide(AdmissionRequest r) {
        boolean publish = r.action() == AdmissionRequest.Action.PUBLISH;
        if (r.action() == AdmissionRequest.Action.CONNECT) {
            return AdmissionDecision.allow(r);
        }
        AddressFilter nets = publish ? publishNetworks : playNetworks;
        if (!nets.allowsAll() && !r.clientAddress().isEmpty() && !allowedAddress(nets, r.clientAddress())) {
            return AdmissionDecision.deny((publish ? "publishing" : "playing") + " is not allowed from " + r.clientAddress());
        }
        String secret = publish ? publishSecret : playSecret;
        if (!secret.isEmpty() && !sameSecret(secret, r.params().getOrDefault(secretParam, ""))) {
            return AdmissionDecision.deny("missing or wrong " + secretParam);
        }
        return AdmissionDecision.allow(r);
    }

    private static boolean allowedAddress(AddressFilter nets, String address) {
        try {
            return nets.allows(address);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Constant-time comparison: the time taken says nothing about how much of the secret matched. */
    static boolean sameSecret(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
