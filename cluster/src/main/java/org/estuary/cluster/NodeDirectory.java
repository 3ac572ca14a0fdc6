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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.estuary.core.control.ApiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes exist, their roles, states and load.
 *
 * <p>Each node writes its info (WCS's CDNNode fields plus load figures) into the shared table
 * {@value SharedTables#NODES} and refreshes it every {@code refreshMs}; the table is a Hazelcast map with a
 * backup when clustered, a local map when embedded. {@link #showNodes()} also asks every listed node over the
 * event bus, so the answer reflects nodes alive now; a node that does not answer in time is reported
 * {@code UNREACHABLE} from its last table entry instead of failing the whole list.
 *
 * <p>A node that crashes cannot remove its own entry, so every directory listens to Hazelcast membership and
 * removes the entries of members that left (and tells {@link #onMemberLeft} listeners, e.g. the route table).
 * We use {@code hz.getCluster().addMembershipListener}, never {@code clusterManager.nodeListener}, because
 * the latter would replace the listener Vert.x itself needs.
 */
public final class NodeDirectory {

    /** Name of the shared table of nodes, keyed by node id. */
    public static final String MAP_NAME = SharedTables.NODES;
    /** How long {@link #showNodes()} waits for one node; short, since a dead node's handlers linger ~2-4 s. */
    public static final long INFO_TIMEOUT_MS = 2_000;
    public static final String ACTIVE = NodeStates.ACTIVE;
    public static final String UNREACHABLE = "UNREACHABLE";
    public static final String NEW_STREAMS_ALLOWED = NodeStates.NEW_STREAMS_ALLOWED;
    /** Field of a node (and route) entry naming the Hazelcast member that wrote it. */
    public static final String MEMBER_ID = "memberId";
    /** Node events (joined, state, removed, left), published cluster-wide for outside subscribers (bridge). */
    public static final String NODE_EVENTS = "estuary.events.node";

    /** What a directory needs besides who it is. */
    public record Settings(String version, LoadProbe probe, NodeStates.Thresholds thresholds, long refreshMs) {
        public static Settings defaults(String version) {
            return new Settings(version, LoadProbe.NONE, NodeStates.Thresholds.NONE, 3_000);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);

    private final Vertx vertx;
    private final NodeIdentity identity;
    private final SharedTables tables;
    private final SharedTable nodes;
    private final Settings settings;
    private final String startedAt = Instant.now().toString();
    private final List<Consumer<String>> memberLeftListeners = new ArrayList<>();
    private final List<Runnable> rejoinListeners = new ArrayList<>();

    private Context context;
    private MessageConsumer<Object> infoConsumer;
    private MessageConsumer<Object> removedConsumer;
    private UUID membershipRegistration;
    private long refreshTimer = -1;
    private NodeStates.Enforced enforced = NodeStates.Enforced.NONE;
    private LoadProbe.Load load = new LoadProbe.Load(0, 0, 0, 0);
    private JsonObject endpoints = new JsonObject();
    /** Set by {@code /cdn/remove_node} on another node: we stay out of the table until enforced ACTIVE again. */
    private boolean removed;
    private volatile String relayVia = "";

    public NodeDirectory(Vertx vertx, NodeIdentity identity, SharedTables tables, Settings settings) {
        this.vertx = vertx;
        this.identity = identity;
        this.tables = tables;
        this.nodes = tables.table(MAP_NAME);
        this.settings = settings;
    }

    /** The address a node answers its info on. */
    public static String infoAddress(String nodeId) {
        return "estuary.node." + nodeId + ".info";
    }

    /** The address that tells a node it was removed from the CDN. */
    static String removedAddress(String nodeId) {
        return "estuary.node." + nodeId + ".removed";
    }

    public NodeIdentity identity() {
        return identity;
    }

    /** Called (on the directory's context) with the member id of every Hazelcast member that leaves. */
    public void onMemberLeft(Consumer<String> listener) {
        memberLeftListeners.add(listener);
    }

    /** Called (on the directory's context) when a node taken out by {@code /cdn/remove_node} is back. */
    public void onRejoin(Runnable listener) {
        rejoinListeners.add(listener);
    }

    /**
     * The node this node relays streams through ({@code cdn.relayVia}; "" = from their origins), published so other
     * nodes can see where a relay chain through this node goes (and refuse one that loops).
     */
    public void relayVia(String nodeId) {
        this.relayVia = nodeId == null ? "" : nodeId;
        refresh();
    }

    /** Where other nodes reach this node's services, e.g. {@code {"rtmp": 1935}}; written on the next refresh. */
    public void endpoints(JsonObject endpoints) {
        this.endpoints = endpoints.copy();
        refresh();
    }

    public String globalState() {
        return NodeStates.global(enforced, settings.thresholds(), load);
    }

    public String processingState() {
        return NodeStates.processing(enforced, settings.thresholds(), load);
    }

    /** True while this node takes part in the CDN (not removed by {@code /cdn/remove_node}). */
    public boolean inCdn() {
        return !removed;
    }

    /** This node's current info, as it answers on its info address and writes into the table. */
    public JsonObject info() {
        return new JsonObject()
            .put("id", identity.nodeId())
            .put("nodeId", identity.nodeId())
            .put("host", identity.host())
            .put("role", String.join(",", identity.roles()))
            .put("roles", new JsonArray(identity.roles()))
            .put("globalState", globalState())
            .put("processingState", processingState())
            .put("enforcedState", enforced.isNone() ? null : new JsonObject()
                .put("globalState", enforced.globalState()).put("processingState", enforced.processingState()))
            .put("load", new JsonObject().put("cpu", load.cpuPercent()).put("streams", load.streams())
                .put("players", load.players()).put("transcoders", load.transcoders()))
            .put("endpoints", endpoints.copy())
            .put("relayVia", relayVia)
            .put("version", settings.version())
            .put("startedAt", startedAt)
            .put("updatedAt", System.currentTimeMillis())
            .put("refreshMs", settings.refreshMs())
            .put("clustered", vertx.isClustered())
            .put(MEMBER_ID, tables.localMemberId());
    }

    /** Answers on the info address, then records this node; call once, from the context that owns it. */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        load = settings.probe().sample();
        infoConsumer = vertx.eventBus().consumer(infoAddress(identity.nodeId()), message -> message.reply(info()));
        removedConsumer = vertx.eventBus().consumer(removedAddress(identity.nodeId()), message -> {
            LOG.warn("Node {} was removed from the CDN; it stays out until enforced ACTIVE or restarted", identity.nodeId());
            removed = true;
            message.reply(null);
        });
        // completion(): in cluster mode the registration must have reached the other nodes before anyone
        // reads our table entry and asks us.
        return Future.all(infoConsumer.completion(), removedConsumer.completion())
            .compose(v -> nodes.put(identity.nodeId(), info()))
            .onSuccess(v -> {
                event("joined", identity.nodeId());
                tables.hazelcast().ifPresent(this::listenToMembership);
                refreshTimer = vertx.setPeriodic(settings.refreshMs(), id -> {
                    load = settings.probe().sample();
                    refresh();
                });
            });
    }

    /** Writes the current info into the table (not while removed). */
    private void refresh() {
        if (context == null || removed) {
            return;
        }
        nodes.put(identity.nodeId(), info())
            .onFailure(e -> LOG.debug("Could not refresh node {} in the table", identity.nodeId(), e));
    }

    /**
     * {@code /cdn/enforce_state}: forces this node's state; blank clears. An ACTIVE enforcement also brings
     * back a node that {@code /cdn/remove_node} took out.
     */
    public JsonObject enforce(String state) {
        NodeStates.Enforced e;
        try {
            e = NodeStates.Enforced.parse(state);
        } catch (IllegalArgumentException bad) {
            throw new CdnException(ApiStatus.BAD_REQUEST, bad.getMessage());
        }
        enforced = e;
        if (ACTIVE.equals(e.globalState()) && removed) {
            LOG.info("Node {} rejoins the CDN", identity.nodeId());
            removed = false;
            rejoinListeners.forEach(Runnable::run);
        }
        LOG.info("Node {} state enforced: {}", identity.nodeId(), e.isNone() ? "cleared" : e);
        refresh();
        event("state", identity.nodeId());
        return state();
    }

    /** {@code /cdn/show_state}: this node's states. */
    public JsonObject state() {
        JsonObject info = info();
        return new JsonObject().put("nodeId", identity.nodeId())
            .put("globalState", info.getString("globalState"))
            .put("processingState", info.getString("processingState"))
            .put("enforcedState", info.getValue("enforcedState"))
            .put("inCdn", !removed)
            .put("load", info.getJsonObject("load"));
    }

    /** Every recorded node with its current info; unanswering nodes carry {@code globalState: UNREACHABLE}. */
    public Future<JsonArray> showNodes() {
        return nodes.entries().compose(entries -> {
            List<Future<JsonObject>> answers = new ArrayList<>();
            // Sorted by node id so the REST answer is stable.
            for (Map.Entry<String, JsonObject> e : new TreeMap<>(entries).entrySet()) {
                if (!tables.isLive(e.getValue().getString(MEMBER_ID))) {
                    // Left the cluster while nobody was listening (e.g. we joined after it died).
                    nodes.removeIfSame(e.getKey(), e.getValue());
                    continue;
                }
                answers.add(ask(e.getKey(), e.getValue()));
            }
            return Future.all(answers).map(done -> {
                JsonArray list = new JsonArray();
                answers.forEach(answer -> list.add(answer.result()));
                return list;
            });
        });
    }

    /** The table entries of every live node (no live answers asked: for choosing a node quickly). */
    public Future<List<JsonObject>> liveEntries() {
        return nodes.entries().map(entries -> entries.values().stream()
            .filter(e -> tables.isLive(e.getString(MEMBER_ID))).toList());
    }

    /** The table entry of a live node, or null. */
    public Future<JsonObject> entry(String nodeId) {
        return nodes.get(nodeId).map(e -> e != null && tables.isLive(e.getString(MEMBER_ID)) ? e : null);
    }

    /**
     * {@code /cdn/remove_node}: removes a PASSIVE node from the node table and tells it to stay out
     * (404 unknown node, 409 an ACTIVE one).
     */
    public Future<String> remove(String nodeId) {
        return nodes.get(nodeId).compose(entry -> {
            if (entry == null) {
                return Future.failedFuture(new CdnException(ApiStatus.NOT_FOUND, "Node not found: " + nodeId));
            }
            return ask(nodeId, entry).compose(now -> {
                String state = now.getString("globalState");
                if (UNREACHABLE.equals(state) && tables.isLive(entry.getString(MEMBER_ID))) {
                    // still a cluster member, only slow to answer (a loaded node): judge by what it last
                    // recorded, so an ACTIVE node is never removed because it was busy
                    state = entry.getString("globalState");
                }
                if (ACTIVE.equals(state)) {
                    return Future.failedFuture(new CdnException(ApiStatus.CONFLICT,
                        "Active node can't be removed: " + nodeId + " (enforce PASSIVE first)"));
                }
                DeliveryOptions options = new DeliveryOptions().setSendTimeout(INFO_TIMEOUT_MS);
                return vertx.eventBus().request(removedAddress(nodeId), null, options)
                    .recover(e -> Future.succeededFuture()) // a dead node cannot come back with its old id
                    .compose(v -> nodes.remove(nodeId))
                    .map(v -> {
                        event("removed", nodeId);
                        return entry.getString(MEMBER_ID);
                    });
            });
        });
    }

    /** Stops answering and removes this node's entry; best effort, so undeploy never hangs on it. */
    public Future<Void> stop() {
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
        tables.hazelcast().ifPresent(hz -> {
            if (membershipRegistration != null) {
                try {
                    hz.getCluster().removeMembershipListener(membershipRegistration);
                } catch (RuntimeException e) {
                    LOG.debug("Membership listener already gone", e);
                }
            }
        });
        Future<Void> unregister = infoConsumer == null ? Future.succeededFuture()
            : Future.all(infoConsumer.unregister(), removedConsumer.unregister()).mapEmpty();
        return unregister
            .compose(v -> nodes.remove(identity.nodeId()))
            .recover(e -> {
                LOG.warn("Could not remove node {} from the directory", identity.nodeId(), e);
                return Future.succeededFuture();
            });
    }

    /**
     * The node's live answer; when it does not come in time, its table entry as long as the node refreshed it
     * recently (a busy node is slow to answer, not gone), else the entry marked {@code UNREACHABLE}.
     */
    private Future<JsonObject> ask(String nodeId, JsonObject entry) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(INFO_TIMEOUT_MS);
        return vertx.eventBus().<JsonObject>request(infoAddress(nodeId), null, options)
            .map(Message::body)
            .recover(e -> {
                long age = System.currentTimeMillis() - entry.getLong("updatedAt", 0L);
                JsonObject last = entry.copy().put("error", e.getMessage());
                if (age > 3 * entry.getLong("refreshMs", settings.refreshMs())) {
                    last.put("globalState", UNREACHABLE);
                }
                return Future.succeededFuture(last);
            });
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
                    context.runOnContext(v -> memberLeft(member.getUuid().toString()));
                } catch (RuntimeException e) {
                    LOG.debug("Vert.x is closing; not cleaning up after member {}", member, e);
                }
            }
        });
    }

    private void memberLeft(String memberId) {
        nodes.entries().compose(entries -> {
            List<Future<?>> removals = new ArrayList<>();
            entries.forEach((nodeId, entry) -> {
                if (memberId.equals(entry.getString(MEMBER_ID))) {
                    LOG.info("Node {} left the cluster; removing it from the directory", nodeId);
                    removals.add(nodes.removeIfSame(nodeId, entry).onSuccess(removed -> {
                        if (removed) {
                            event("left", nodeId); // once: the node that removed the entry tells
                        }
                    }));
                }
            });
            return Future.all(removals);
        }).onFailure(e -> LOG.warn("Could not remove the nodes of departed member {}", memberId, e));
        memberLeftListeners.forEach(l -> l.accept(memberId));
    }

    private void event(String type, String nodeId) {
        JsonObject body = new JsonObject().put("event", type).put("nodeId", nodeId)
            .put("timestamp", System.currentTimeMillis());
        if (nodeId.equals(identity.nodeId())) {
            body.put("globalState", globalState()).put("processingState", processingState())
                .put("role", String.join(",", identity.roles()));
        }
        vertx.eventBus().publish(NODE_EVENTS, body);
    }

    /** The version in the jar manifest, "dev" when run from classes. */
    public static String defaultVersion() {
        String v = NodeDirectory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
