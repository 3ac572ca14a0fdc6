package org.estuary.core.config;

import java.util.List;
import java.util.Objects;

/**
 * Clustering (Hazelcast membership and the clustered event bus).
 *
 * @param enabled      run clustered; false = standalone
 * @param name         cluster name; only nodes with the same name join each other
 * @param host         interface Hazelcast and the event bus bind to
 * @param port         Hazelcast port (auto-incremented when taken)
 * @param members      "host:port" of the members to join
 * @param eventBusPort event bus TCP port (0 = any free port)
 * @param role         what this node does: one or more roles (a node may be origin and edge at once)
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                            int eventBusPort, List<ClusterRole> role) {

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        members = List.copyOf(members);
        role = List.copyOf(role);
        if (role.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one role");
        }
    }

    /** True when this node has {@code r} among its roles. */
    public boolean has(ClusterRole r) {
        return role.contains(r);
    }

    public static ClusterConfig defaults() {
        return new ClusterConfig(false, "estuary", "127.0.0.1", 5701,
                List.of("127.0.0.1:5701", "127.0.0.1:5702"), 0, List.of(ClusterRole.ORIGIN));
    }
}
