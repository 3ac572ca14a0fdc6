package org.estuary.verticles.cdn;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.RouteTable;
import org.estuary.core.control.Addresses;
import org.estuary.core.stream.OnDemandSource;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge's relays: when a local reader (RTMP player, HLS agent, any reader that waits through the stream
 * hub) asks for a stream this node does not have, the route table names its origin and one relay pulls it
 * from there and publishes it locally under the same name, shared by every local reader. The relay is an
 * RTMP play of the origin (frames travel unchanged, as RTMP messages) run by the pull feature, asked over the
 * event bus. It is dropped {@code lingerMs} after its last local reader left, and at once when the route goes
 * away (the origin stream ended or its node died) or moves to another publish: the local copy then ends, so
 * its players end cleanly, and the next player pulls from wherever the stream is now.
 *
 * <p>Everything but {@link #demand} runs on the CDN verticle's context.
 */
final class EdgeRelays implements OnDemandSource {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRelays.class);
    private static final String PULL = Addresses.api("/pull/rtmp/pull");
    private static final String PULL_TERMINATE = Addresses.api("/pull/rtmp/terminate");
    private static final long BUS_TIMEOUT_MS = 5_000;

    /** One relay; identified by the origin publish it copies. */
    private static final class Relay {
        final String name;
        final String originNodeId;
        final String originMediaSessionId;
        final long startedAt = System.currentTimeMillis();
        /** The node the relay connection goes to: the origin, or the {@code relayVia} node of a chain. */
        String sourceNodeId;
        /** The pull's RTMP URL; null until the source node is known. */
        String uri;
        long lingerTimer = -1;

        Relay(String name, String originNodeId, String originMediaSessionId) {
            this.name = name;
            this.originNodeId = originNodeId;
            this.sourceNodeId = originNodeId;
            this.originMediaSessionId = originMediaSessionId;
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final StreamRegistry streams;
    private final RouteTable routes;
    private final String selfNodeId;
    private final long lingerMs;
    private final long startGraceMs;
    /** {@code name=value} query the relay's play of its origin carries, so the origin's access lists let it in. */
    private final String relayQuery;
    private final Map<String, Relay> relays = new ConcurrentHashMap<>();
    private final Readers readers = new Readers();
    private final NodeDirectory directory;
    /** Node id every relay goes through (an edge → edge chain), or "" for the stream's origin. */
    private final String relayVia;
    private volatile java.util.function.Function<String, String> unrouted = name -> null;
    /** Names never relayed here: the streams this node forwards to their origin (cdn.edgePublish: relay). */
    private volatile java.util.function.Predicate<String> localOnly = name -> false;
    private volatile java.util.function.BiConsumer<String, JsonObject> relayStarting = (name, route) -> { };

    /**
     * @param startGraceMs how long a new relay may wait for its first reader (a player's own wait for the
     *                     stream) before the linger countdown starts
     */
    EdgeRelays(Vertx vertx, Context context, StreamRegistry streams, RouteTable routes, NodeDirectory directory,
               String relayVia, long lingerMs, long startGraceMs, String relayQuery) {
        this.directory = directory;
        this.relayVia = relayVia;
        this.selfNodeId = directory.identity().nodeId();
        this.relayQuery = relayQuery;
        this.vertx = vertx;
        this.context = context;
        this.streams = streams;
        this.routes = routes;
        this.lingerMs = lingerMs;
        this.startGraceMs = startGraceMs;
    }

    void start() {
        streams.addListener(readers);
        streams.addOnDemandSource(this);
        routes.onChange(this::routeChanged);
    }

    void stop() {
        streams.removeOnDemandSource(this);
        streams.removeListener(readers);
        relays.values().forEach(r -> drop(r, "Server shutdown"));
    }

    /** True for the local copy of a relayed stream (never registered as a route of this node). */
    boolean isRelayed(String name) {
        return relays.containsKey(name);
    }

    /** The media session id of the origin publish a running relay copies (not its local copy's own id). */
    java.util.Optional<String> originPublish(String name) {
        Relay r = relays.get(name);
        return r == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(r.originMediaSessionId);
    }

    /** The origin node of a running relay, or null. */
    JsonObject describe(String name) {
        Relay r = relays.get(name);
        return r == null ? null : new JsonObject().put("uri", r.uri).put("originNodeId", r.originNodeId)
            .put("sourceNodeId", r.sourceNodeId).put("originMediaSessionId", r.originMediaSessionId)
            .put("startedAt", r.startedAt);
    }

    /** Called on the player's thread by the stream hub for a name that is not live here. */
    @Override
    public String demand(String name) {
        if (localOnly.test(name)) {
            return null; // its publisher is (or was just now) here: wait for it, never for the origin's copy of it
        }
        var route = routes.lookup(name).orElse(null);
        if (route == null) {
            return unrouted.apply(name);
        }
        if (selfNodeId.equals(route.getString("nodeId"))) {
            return null;
        }
        context.runOnContext(v -> ensure(name, route));
        return name;
    }

    /** Starts relaying {@code name} from the node of {@code route} unless it is relayed or live here already. */
    void relay(String name, JsonObject route) {
        ensure(name, route);
    }

    /**
     * Names this node never relays (any thread): its own publishes it forwards to their origin, whose route points
     * back at a copy of this node's stream. Call before start.
     */
    void localOnly(java.util.function.Predicate<String> localOnly) {
        this.localOnly = localOnly;
    }

    /** Told (on the CDN context) of each relay this node starts, with the route it copies. Call before start. */
    void onRelayStarting(java.util.function.BiConsumer<String, JsonObject> relayStarting) {
        this.relayStarting = relayStarting;
    }

    /** Asked (any thread) for a name no route names, e.g. a profile rendition: the name to wait for, or null. */
    void onUnrouted(java.util.function.Function<String, String> unrouted) {
        this.unrouted = unrouted;
    }

    private void ensure(String name, JsonObject route) {
        if (relays.containsKey(name) || streams.find(name).isPresent() || localOnly.test(name)) {
            return;
        }
        Relay relay = new Relay(name, route.getString("nodeId"), route.getString("mediaSessionId"));
        relays.put(name, relay);
        relayStarting.accept(name, route);
        armLinger(relay, startGraceMs + lingerMs);
        source(route).onComplete(found -> context.runOnContext(v -> {
            if (relays.get(name) != relay) {
                return; // dropped while the source node was looked up
            }
            if (found.failed()) {
                // a relayVia loop: started, it would play itself round the chain forever
                LOG.error("{} for stream {} (origin {}): not relaying; fix cdn.relayVia on these nodes",
                    found.cause().getMessage(), name, relay.originNodeId);
                drop(relay, found.cause().getMessage());
                return;
            }
            JsonObject source = found.result();
            relay.sourceNodeId = source.getString("nodeId");
            relay.uri = "rtmp://" + source.getString("host") + ":" + source.getInteger("rtmpPort") + "/live/" + name
                + "?" + relayQuery;
            LOG.info("Edge relay of {} from origin {} through {} ({})", name, relay.originNodeId, relay.sourceNodeId,
                relay.uri);
            vertx.eventBus().request(PULL, new JsonObject().put("uri", relay.uri).put("localStreamName", name),
                    new DeliveryOptions().setLocalOnly(true).setSendTimeout(BUS_TIMEOUT_MS))
                .onFailure(e -> {
                    LOG.warn("Edge relay of {} could not start: {}", name, e.getMessage());
                    relays.remove(name, relay);
                });
        }));
    }

    /**
     * Where the relay of a stream routed to {@code route} connects ({@code nodeId}, {@code host}, {@code rtmpPort}):
     * the {@code relayVia} node when one is set, live and not the origin itself (it relays the stream from the
     * origin in turn, or further along its own chain), else the origin. Fails only when the chain of
     * {@code relayVia} settings from here loops ({@link RelayChain}), with the loop as the message.
     */
    private Future<JsonObject> source(JsonObject route) {
        JsonObject origin = new JsonObject().put("nodeId", route.getString("nodeId")).put("host", route.getString("host"))
            .put("rtmpPort", route.getInteger("rtmpPort"));
        if (relayVia.isEmpty() || relayVia.equals(selfNodeId) || relayVia.equals(route.getString("nodeId"))) {
            return Future.succeededFuture(origin);
        }
        return liveNodes().compose(nodes -> {
            List<String> loop = RelayChain.loop(selfNodeId, route.getString("nodeId"), relayViaOf(nodes));
            if (!loop.isEmpty()) {
                return Future.failedFuture(RelayChain.describe(loop));
            }
            JsonObject entry = nodes.get(relayVia);
            Integer port = entry == null ? null : entry.getJsonObject("endpoints", new JsonObject()).getInteger("rtmp");
            if (port == null || entry.getString("host") == null) {
                LOG.warn("Relay node {} is not live (or has no RTMP port yet): relaying from the origin", relayVia);
                return Future.succeededFuture(origin);
            }
            return Future.succeededFuture(
                new JsonObject().put("nodeId", relayVia).put("host", entry.getString("host")).put("rtmpPort", port));
        });
    }

    /**
     * Why a player of {@code name} on this node is refused because relaying it would loop ({@code "Relay loop: a -> b
     * -> a"}), or null: a stream live here, unrouted, routed to this node, or a chain that reaches the origin.
     */
    Future<String> loopRefusal(String name) {
        // asked per player request (every HLS playlist reload): the setting first, then the route without a copy
        String origin = relayVia.isEmpty() ? null : routes.field(name, "nodeId").orElse(null);
        if (origin == null || selfNodeId.equals(origin) || streams.find(name).isPresent() || relays.containsKey(name)) {
            return Future.succeededFuture();
        }
        return liveNodes().map(nodes -> {
            List<String> loop = RelayChain.loop(selfNodeId, origin, relayViaOf(nodes));
            return loop.isEmpty() ? null : RelayChain.describe(loop);
        }).otherwise((String) null);
    }

    /** The table entries of the live nodes by node id; empty when the table cannot be read. */
    private Future<Map<String, JsonObject>> liveNodes() {
        return directory.liveEntries().map(entries -> {
            Map<String, JsonObject> byId = new java.util.HashMap<>();
            entries.forEach(e -> byId.put(e.getString("nodeId"), e));
            return byId;
        }).otherwise(Map.of());
    }

    /** A live node's relayVia ("" for none; this node's own from its setting), null for a node that is not live. */
    private java.util.function.Function<String, String> relayViaOf(Map<String, JsonObject> nodes) {
        return id -> {
            if (selfNodeId.equals(id)) {
                return relayVia;
            }
            JsonObject entry = nodes.get(id);
            return entry == null ? null : entry.getString("relayVia", "");
        };
    }

    private void armLinger(Relay relay, long delayMs) {
        if (relay.lingerTimer >= 0) {
            vertx.cancelTimer(relay.lingerTimer);
        }
        relay.lingerTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
            relay.lingerTimer = -1;
            if (relays.get(relay.name) != relay || readerCount(relay.name) > 0) {
                return;
            }
            if (streams.awaited(relay.name)) {
                // no local copy just now (the pull is reconnecting, e.g. after a connection reset) but a player
                // waits for it: dropping the relay would leave that player waiting for nothing
                armLinger(relay, lingerMs);
                return;
            }
            drop(relay, "no local readers for " + lingerMs + " ms");
        });
    }

    private int readerCount(String name) {
        return streams.find(name).map(s -> s.readers().size()).orElse(0);
    }

    private void routeChanged(String name, JsonObject route) {
        Relay relay = relays.get(name);
        if (relay == null) {
            // Readers that asked before any node published it (an RTMP player within its wait, an HLS agent
            // following the name across an origin's death) get it now that it is routed.
            if (route != null && !selfNodeId.equals(route.getString("nodeId")) && streams.awaited(name)
                && streams.find(name).isEmpty()) {
                LOG.info("Edge relay of {} started for readers waiting since before it was routed", name);
                ensure(name, route);
            }
            return;
        }
        if (route == null) {
            drop(relay, "origin stream ended");
        } else if (!relay.originMediaSessionId.equals(route.getString("mediaSessionId"))) {
            drop(relay, "stream republished on " + route.getString("nodeId"));
        }
    }

    /**
     * {@code /cdn/connection/reset_outbound|reset_all}: drops the relay connections this node opened to the
     * nodes {@code origin} accepts (origins, or the {@code relayVia} node) and makes each one again from the
     * stream's current route (a new RTMP connection). The local copies end with their connections, so their
     * players end as after a failover.
     *
     * @return how many relays were reset
     */
    int reset(java.util.function.Predicate<String> origin) {
        int n = 0;
        for (Relay relay : relays.values()) {
            if (!origin.test(relay.sourceNodeId)) {
                continue;
            }
            n++;
            // the old pull must be gone before the new one starts: both would publish the same local name
            drop(relay, "connection reset").onComplete(done -> routes.lookup(relay.name).ifPresent(route -> {
                LOG.info("Edge relay of {} made again after a connection reset", relay.name);
                ensure(relay.name, route);
            }));
        }
        return n;
    }

    private Future<Void> drop(Relay relay, String why) {
        if (!relays.remove(relay.name, relay)) {
            return Future.succeededFuture();
        }
        if (relay.lingerTimer >= 0) {
            vertx.cancelTimer(relay.lingerTimer);
        }
        LOG.info("Edge relay of {} from {} dropped: {}", relay.name, relay.sourceNodeId, why);
        if (relay.uri == null) {
            return Future.succeededFuture();
        }
        return vertx.eventBus().request(PULL_TERMINATE, new JsonObject().put("uri", relay.uri),
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(BUS_TIMEOUT_MS))
            .<Void>mapEmpty()
            .recover(e -> {
                LOG.debug("Relay pull of {} already gone: {}", relay.uri, e.getMessage());
                return Future.succeededFuture();
            });
    }

    /** Hub callbacks (any thread): a relayed stream that lost its last reader starts the linger countdown. */
    private final class Readers implements StreamListener {
        @Override
        public void readerRemoved(StreamReader reader) {
            String name = reader.stream().name();
            if (relays.containsKey(name)) {
                context.runOnContext(v -> {
                    Relay relay = relays.get(name);
                    if (relay != null && readerCount(name) == 0) {
                        armLinger(relay, lingerMs);
                    }
                });
            }
        }

        @Override
        public void readerAdded(StreamReader reader) {
            // Nothing: the countdown checks the count when it fires.
        }

        @Override
        public void unpublished(Stream stream, String reason) {
            // Nothing: the pull reconnects while the route stands; routeChanged drops it when it does not.
        }
    }
}
