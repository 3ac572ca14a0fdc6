package org.estuary.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.Optional;

/**
 * Starts Vert.x either as one embedded node (the default, nothing to install) or clustered over Hazelcast.
 *
 * <h2>Recommended cluster configuration</h2>
 * <ul>
 *   <li><b>Members:</b> list every node (or at least two stable ones, e.g. the origins) as
 *       {@code host:port} in {@code members} on every node. Joining is TCP-IP only; a node needs one
 *       reachable listed member to join, and then learns all others from it.</li>
 *   <li><b>Interfaces:</b> set {@code host} to the address other nodes reach this node on. Hazelcast binds
 *       to it (interfaces enabled) and the event bus binds to and advertises it. A wrong or blank host is the
 *       usual cause of nodes that "join" but whose event-bus requests time out.</li>
 *   <li><b>Ports:</b> {@code port} (default 5701) is the first Hazelcast port; auto-increment takes the next
 *       free one of 20. Open them and the {@code eventBusPort} between nodes. Use a fixed event-bus port when a
 *       firewall sits between nodes.</li>
 *   <li><b>Name:</b> use a distinct cluster {@code name} per environment so test and production never merge.</li>
 *   <li><b>Multicast, Kubernetes, cloud discovery</b> are Hazelcast join settings, not Estuary ones. They are
 *       off here on purpose (the vertx-hazelcast default file has multicast on). To use them, point
 *       {@code -Dvertx.hazelcast.config=<file>} at your own Hazelcast file (it replaces the base that
 *       {@link ConfigUtil#loadConfig()} returns) and leave {@code members} empty: then the join section of
 *       your file is used as it is. Name, properties, port and interface are still applied on top.</li>
 *   <li><b>Failure detection</b> is bounded by two settings (each overridable with the system property of the
 *       same name). A member whose process died on a host that is still up is noticed by failed connections:
 *       Hazelcast reconnects at least once per heartbeat, and after {@code hazelcast.connection.monitor.max.faults}
 *       (3) refused connects more than 100 ms apart the member is suspected and removed, so within about
 *       4 heartbeats; we send one every {@value #HEARTBEAT_SECONDS} s ({@code hazelcast.heartbeat.interval.seconds},
 *       5 by default), so ~4 s, 0.3-1 s on loopback where other traffic reconnects sooner. A host that vanishes
 *       without refusing connections (power loss, network cut) is noticed by missing heartbeats after
 *       {@code hazelcast.max.no.heartbeat.seconds}: {@value #NO_HEARTBEAT_SECONDS} s here (60 by default), checked
 *       every heartbeat, so within {@value #NO_HEARTBEAT_SECONDS} + {@value #HEARTBEAT_SECONDS} s. Lower is not
 *       safer: a member that is only starved of CPU for that long (seen on loaded shared machines) would be
 *       removed although alive, and Hazelcast merges it back only after its split-brain delay (minutes).</li>
 *   <li><b>Versions:</b> all nodes must run the same Hazelcast version (rolling upgrades are Enterprise).</li>
 *   <li><b>JDK 17:</b> start with {@code --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
 *       --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
 *       --add-opens java.management/sun.management=ALL-UNNAMED
 *       --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED} to silence Hazelcast's warning.</li>
 * </ul>
 */
public final class ClusterBootstrap {

    /** Ports Hazelcast tries from {@code port} upwards when auto-increment finds it taken. */
    static final int PORT_COUNT = 20;
    /** System property vertx-hazelcast reads to load an operator-supplied Hazelcast file. */
    static final String CONFIG_PROPERTY = "vertx.hazelcast.config";
    static final String MAX_NO_HEARTBEAT = "hazelcast.max.no.heartbeat.seconds";
    static final String HEARTBEAT_INTERVAL = "hazelcast.heartbeat.interval.seconds";
    /** Default of {@value #HEARTBEAT_INTERVAL}: how often members heartbeat (and so retry a lost connection). */
    public static final int HEARTBEAT_SECONDS = 1;
    /** Default of {@value #MAX_NO_HEARTBEAT}: a member silent this long is removed. */
    public static final int NO_HEARTBEAT_SECONDS = 10;

    private ClusterBootstrap() { }

    /**
     * Starts Vert.x for {@code settings}. {@code base} is copied, never modified; in cluster mode its
     * event-bus host and port are replaced by the settings' ones.
     */
    public static Future<ClusterHandle> start(ClusterSettings settings, VertxOptions base) {
        VertxOptions options = new VertxOptions(base == null ? new VertxOptions() : base);
        if (!settings.enabled()) {
            return Future.succeededFuture(new ClusterHandle(Vertx.vertx(options), Optional.empty(), false));
        }
        // Keep our own reference: getHazelcastInstance() is public API, no need to dig in Vert.x internals.
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(settings));
        EventBusOptions eventBus = new EventBusOptions(options.getEventBusOptions()).setPort(settings.eventBusPort());
        if (isSpecificHost(settings.host())) {
            // Without this the event bus may bind or advertise an interface other nodes cannot reach.
            eventBus.setHost(settings.host());
        }
        options.setEventBusOptions(eventBus);
        return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
            .map(vertx -> new ClusterHandle(vertx, Optional.of(manager.getHazelcastInstance()), true));
    }

    /**
     * The Hazelcast configuration for {@code settings}, built on {@link ConfigUtil#loadConfig()} because that
     * base holds the {@code __vertx.*} map and multimap settings vertx-hazelcast relies on.
     */
    public static Config hazelcastConfig(ClusterSettings settings) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(settings.name())
            .setProperty("hazelcast.phone.home.enabled", "false")
            // Vert.x close() leaves the cluster in order; Hazelcast's own hook would race with it.
            .setProperty("hazelcast.shutdownhook.enabled", "false")
            .setProperty("hazelcast.logging.type", "slf4j")
            .setProperty(HEARTBEAT_INTERVAL, System.getProperty(HEARTBEAT_INTERVAL, String.valueOf(HEARTBEAT_SECONDS)))
            .setProperty(MAX_NO_HEARTBEAT, System.getProperty(MAX_NO_HEARTBEAT, String.valueOf(NO_HEARTBEAT_SECONDS)));

        NetworkConfig network = config.getNetworkConfig()
            .setPort(settings.port()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
        if (isSpecificHost(settings.host())) {
            network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.host()));
        }
        if (settings.members().isEmpty() && System.getProperty(CONFIG_PROPERTY) != null) {
            return config; // the operator's own file decides how to join (multicast, Kubernetes, ...)
        }
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return config;
    }

    private static boolean isSpecificHost(String host) {
        return host != null && !host.isBlank() && !"0.0.0.0".equals(host);
    }
}
