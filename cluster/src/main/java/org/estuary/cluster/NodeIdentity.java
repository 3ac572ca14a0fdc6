package org.estuary.cluster;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who this node is: a cluster-unique id, the host other nodes and players reach it on, and its CDN roles.
 *
 * @param nodeId id in the reference format {@code <32 random alphanumeric chars>@<host>}
 * @param host   public host of this node
 * @param role   one or more of origin, edge, transcoder, comma-separated (as in the configuration)
 */
public record NodeIdentity(String nodeId, String host, String role) {

    public static final String ORIGIN = "ORIGIN";
    public static final String EDGE = "EDGE";
    public static final String TRANSCODER = "TRANSCODER";

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int RANDOM_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh identity; the random part makes a restarted node a new node, as in the reference server. */
    public static NodeIdentity generate(String publicHost, String role) {
        StringBuilder id = new StringBuilder(RANDOM_LENGTH + 1 + publicHost.length());
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new NodeIdentity(id.append('@').append(publicHost).toString(), publicHost, role);
    }

    /** The roles in WCS's upper-case spelling, e.g. {@code [ORIGIN, EDGE]}. */
    public List<String> roles() {
        return Arrays.stream(role.split(",")).map(String::trim).filter(r -> !r.isEmpty())
            .map(r -> r.toUpperCase(Locale.ROOT)).distinct().toList();
    }

    public boolean has(String upperCaseRole) {
        return roles().contains(upperCaseRole);
    }
}
