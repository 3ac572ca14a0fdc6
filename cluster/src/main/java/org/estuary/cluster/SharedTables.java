package org.estuary.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The CDN's shared tables of one node, by name: Hazelcast maps when clustered, local maps when embedded.
 * Also says which cluster members are alive, so entries of dead members can be told apart.
 */
public final class SharedTables {
    /** Node states and load figures, by node id. */
    public static final String NODES = "estuary.cdn.nodes";
    /** Stream routes: stream name to the origin node publishing it. */
    public static final String ROUTES = "estuary.cdn.routes";
    /** Stream access lists: stream name to its keys. */
    public static final String ACCESS_LISTS = "estuary.cdn.acl";
    /** Cluster-wide settings made once by the first node (e.g. the token edge relays present to origins). */
    public static final String SETTINGS = "estuary.cdn.settings";
    /** Transcoding profiles by name. */
    public static final String PROFILES = "estuary.cdn.profiles";

    private final Vertx vertx;
    private final Optional<HazelcastInstance> hazelcast;
    private final Map<String, SharedTable> tables = new ConcurrentHashMap<>();

    public SharedTables(Vertx vertx, Optional<HazelcastInstance> hazelcast) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
    }

    /**
     * Creates the CDN's Hazelcast map proxies on a worker thread: the first {@code getMap} of a name is a
     * blocking cluster call, which must not run on an event loop. Call once before using the tables.
     */
    public io.vertx.core.Future<Void> prepare() {
        if (hazelcast.isEmpty()) {
            return io.vertx.core.Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            for (String name : new String[] {NODES, ROUTES, ACCESS_LISTS, PROFILES, SETTINGS}) {
                table(name);
            }
            return null;
        }, false);
    }

    public SharedTable table(String name) {
        return tables.computeIfAbsent(name, n -> hazelcast
            .<SharedTable>map(hz -> new HazelcastTable(vertx, hz.getMap(n)))
            .orElseGet(() -> new LocalTable(vertx)));
    }

    public Optional<HazelcastInstance> hazelcast() {
        return hazelcast;
    }

    /** This node's Hazelcast member id; "local" when embedded. */
    public String localMemberId() {
        return hazelcast.map(hz -> hz.getCluster().getLocalMember().getUuid().toString()).orElse("local");
    }

    /** Whether the member is alive now; always true embedded (the only member is this node). */
    public boolean isLive(String memberId) {
        if (hazelcast.isEmpty() || memberId == null) {
            return true;
        }
        return liveMembers().contains(memberId);
    }

    private Set<String> liveMembers() {
        return hazelcast.get().getCluster().getMembers().stream().map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    }
}
