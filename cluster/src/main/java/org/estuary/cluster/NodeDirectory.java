package org.estuary.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which nodes exist and what state they are in.
 *
 * <p>Each node records itself in the Vert.x async map {@value #MAP_NAME} (a Hazelcast map when clustered,
 * a local map when embedded) and answers on {@link #infoAddress(String)} with its current info. The map
 * only says who <em>should</em> exist; {@link #showNodes()} asks every listed node over the event bus, so
 * the answer reflects nodes that are alive now, and a node that does not answer in time is reported
 * {@code UNREACHABLE} instead of failing the whole list.
 *
 * <p>When clustered, each entry also holds the node's Hazelcast member UUID. A node that crashes cannot
 * remove its own entry, so every directory listens to Hazelcast membership and removes the entries of
 * members that left. We use {@code hz.getCluster().addMembershipListener}, never
 * {@code clusterManager.nodeListener}, because the latter would replace the listener Vert.x itself needs.
 */
public final class NodeDirectory {

    /** Name of the shared async map of nodes, keyed by node id. */
    public static final String MAP_NAME = "estuary.nodes";
    /** How long {@link #showNodes()} waits for one node; short, since a dead node's handlers linger ~2-4 s. */
    public static final long INFO_TIMEOUT_MS = 2_000;
    public static final String ACTIVE = "ACTIVE";
    public static final String UNREACHABLE = "UNREACHABLE";
    public static final String NEW_STREAMS_ALLOWED = "NEW_STREAMS_ALLOWED";

    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);
    private static final String MEMBER_ID = "memberId";

    private final Vertx vertx;
    private final NodeIdentity identity;
    private final Optional<HazelcastInstance> hazelcast;
    private final String version;
    private final String startedAt = Instant.now().toString();

    private Context context;
    private MessageConsumer<Object> infoConsumer;
    private UUID membershipRegistration;

    public NodeDirectory(Vertx vertx, NodeIdentity identity, Optional<HazelcastInstance> hazelcast, String version) {
        this.vertx = vertx;
        this.identity = identity;
        this.hazelcast = hazelcast;
        this.version = version;
    }

    /** A directory reporting the version from the jar manifest ({@code "dev"} when run from classes). */
    public NodeDirectory(Vertx vertx, NodeIdentity identity, Optional<HazelcastInstance> hazelcast) {
        this(vertx, identity, hazelcast, defaultVersion());
    }

    /** The address a node answers its info on. */
    public static String infoAddress(String nodeId) {
        return "estuary.node." + nodeId + ".info";
    }

    public NodeIdentity identity() {
        return identity;
    }

    /** This node's current info, as it answers on its info address. */
    public JsonObject info() {
        return new JsonObject()
            .put("nodeId", identity.nodeId())
            .put("host", identity.host())
            .put("role", identity.role())
            .put("globalState", ACTIVE)
            .put("processingState", NEW_STREAMS_ALLOWED)
            .put("version", version)
            .put("startedAt", startedAt)
            .put("clustered", vertx.isClustered());
    }

    /** Answers on the info address, then records this node; call once, from the context that owns it. */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        infoConsumer = vertx.eventBus().consumer(infoAddress(identity.nodeId()), message -> message.reply(info()));
        // completion(): in cluster mode the registration must have reached the other nodes before anyone
        // reads our map entry and asks us.
        return infoConsumer.completion()
            .compose(v -> nodes())
            .compose(map -> map.put(identity.nodeId(), entry()))
            .onSuccess(v -> hazelcast.ifPresent(this::listenToMembership));
    }

    /** Every recorded node with its current info; unanswering nodes carry {@code globalState: UNREACHABLE}. */
    public Future<JsonArray> showNodes() {
        return nodes().compose(map -> map.entries().compose(entries -> {
            Set<String> liveMembers = liveMemberIds();
            List<Future<JsonObject>> answers = new ArrayList<>();
            // Sorted by node id so the REST answer is stable.
            for (Map.Entry<String, JsonObject> e : new TreeMap<>(entries).entrySet()) {
                String memberId = e.getValue().getString(MEMBER_ID);
                if (liveMembers != null && memberId != null && !liveMembers.contains(memberId)) {
                    // Left the cluster while nobody was listening (e.g. we joined after it died).
                    map.remove(e.getKey());
                    continue;
                }
                answers.add(ask(e.getKey(), e.getValue()));
            }
            return Future.all(answers).map(done -> {
                JsonArray list = new JsonArray();
                answers.forEach(answer -> list.add(answer.result()));
                return list;
            });
        }));
    }

    /** Stops answering and removes this node's entry; best effort, so undeploy never hangs on it. */
    public Future<Void> stop() {
        hazelcast.ifPresent(hz -> {
            if (membershipRegistration != null) {
                try {
                    hz.getCluster().removeMembershipListener(membershipRegistration);
                } catch (RuntimeException e) {
                    LOG.debug("Membership listener already gone", e);
                }
            }
        });
        Future<Void> unregister = infoConsumer == null ? Future.succeededFuture() : infoConsumer.unregister();
        return unregister
            .compose(v -> nodes())
            .compose(map -> map.remove(identity.nodeId()))
            .<Void>mapEmpty()
            .recover(e -> {
                LOG.warn("Could not remove node {} from the directory", identity.nodeId(), e);
                return Future.succeededFuture();
            });
    }

    private Future<AsyncMap<String, JsonObject>> nodes() {
        return vertx.sharedData().getAsyncMap(MAP_NAME);
    }

    /** What the map stores: enough to report a node that cannot answer, and to match it to its member. */
    private JsonObject entry() {
        JsonObject entry = new JsonObject()
            .put("nodeId", identity.nodeId())
            .put("host", identity.host())
            .put("role", identity.role())
            .put("startedAt", startedAt);
        hazelcast.ifPresent(hz -> entry.put(MEMBER_ID, hz.getCluster().getLocalMember().getUuid().toString()));
        return entry;
    }

    private Future<JsonObject> ask(String nodeId, JsonObject entry) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(INFO_TIMEOUT_MS);
        return vertx.eventBus().<JsonObject>request(infoAddress(nodeId), null, options)
            .map(Message::body)
            .recover(e -> Future.succeededFuture(entry.copy()
                .put("globalState", UNREACHABLE)
                .put("error", e.getMessage())));
    }

    /** UUIDs of the current Hazelcast members, or null when not clustered. */
    private Set<String> liveMemberIds() {
        return hazelcast.map(hz -> hz.getCluster().getMembers().stream()
                .map(member -> member.getUuid().toString())
                .collect(Collectors.toSet()))
            .orElse(null);
    }

    private void listenToMembership(HazelcastInstance hz) {
        membershipRegistration = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // Nothing to do: a new node records itself.
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                // Hazelcast calls us on its event thread; move to our context before touching Vert.x.
                Member member = event.getMember();
                try {
                    context.runOnContext(v -> removeEntriesOf(member.getUuid().toString()));
                } catch (RuntimeException e) {
                    LOG.debug("Vert.x is closing; not cleaning up after member {}", member, e);
                }
            }
        });
    }

    private void removeEntriesOf(String memberId) {
        nodes().compose(map -> map.entries().compose(entries -> {
            List<Future<?>> removals = new ArrayList<>();
            entries.forEach((nodeId, entry) -> {
                if (memberId.equals(entry.getString(MEMBER_ID))) {
                    LOG.info("Node {} left the cluster; removing it from the directory", nodeId);
                    removals.add(map.remove(nodeId));
                }
            });
            return Future.all(removals);
        })).onFailure(e -> LOG.warn("Could not remove the nodes of departed member {}", memberId, e));
    }

    private static String defaultVersion() {
        String v = NodeDirectory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
