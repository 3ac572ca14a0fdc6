package org.estuary.cluster;

import java.security.SecureRandom;

/**
 * Who this node is: a cluster-unique id, the host other nodes and players reach it on, and its CDN role.
 *
 * @param nodeId id in the reference format {@code <32 random alphanumeric chars>@<host>}
 * @param host   public host of this node
 * @param role   origin, edge, transcoder, ...
 */
public record NodeIdentity(String nodeId, String host, String role) {

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
}
