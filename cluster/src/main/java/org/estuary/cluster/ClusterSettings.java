package org.estuary.cluster;

import java.util.List;

/**
 * What {@link ClusterBootstrap} needs to know; the application maps its own configuration onto this.
 *
 * @param enabled      false: one embedded node, nothing else is read
 * @param name         Hazelcast cluster name; only nodes with the same name join each other
 * @param host         address of this machine that Hazelcast and the event bus bind to and advertise
 *                     (blank or {@code 0.0.0.0}: let Hazelcast pick an interface)
 * @param port         first Hazelcast member port; the next free one is taken when it is in use
 * @param members      TCP-IP join list, {@code "host"} or {@code "host:port"}
 * @param eventBusPort port of the clustered event bus; 0 picks a free one
 * @param role         this node's CDN role, e.g. origin, edge or transcoder
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, List<String> members,
                              int eventBusPort, String role) {

    public ClusterSettings {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** Settings for the default: one embedded node with the given role. */
    public static ClusterSettings embedded(String role) {
        return new ClusterSettings(false, "estuary", "127.0.0.1", 5701, List.of(), 0, role);
    }
}
