package org.estuary.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream routes: which origin node publishes which stream, in the shared table {@value SharedTables#ROUTES}.
 *
 * <p>On an origin every stream published locally is registered the moment it starts and removed the moment it
 * ends (only the entry this node wrote, so a newer publish of the same name elsewhere is kept). Entries of a
 * node that died are removed by every surviving node (idempotently) when Hazelcast reports the member gone, and
 * skipped by lookups until then. Every node keeps a mirror of the table, fed by its change events, so a player
 * asking for a stream can be answered without waiting on the cluster.
 */
public final class RouteTable {
    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

    private final Vertx vertx;
    private final SharedTables tables;
    private final SharedTable routes;
    private final NodeDirectory directory;
    private final StreamRegistry streams;
    private final Map<String, JsonObject> mirror = new ConcurrentHashMap<>();
    /** What this node registered, by stream name, to remove exactly that when the stream ends. */
    private final Map<String, JsonObject> own = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, JsonObject>> changeListeners = new ArrayList<>();
    private final Listener listener = new Listener();
    private volatile Predicate<Stream> notRouted = s -> false;
    private boolean routeLocalPublishes;
    private volatile int rtmpPort = -1;
    private Context context;
    private Runnable stopListening = () -> { };
    /** Counts map events applied to the mirror, so a resync whose snapshot raced with one is skipped. */
    private long eventsApplied;
    private long resyncTimer = -1;
    private long resyncMs;

    public RouteTable(Vertx vertx, SharedTables tables, NodeDirectory directory, StreamRegistry streams) {
        this.vertx = vertx;
        this.tables = tables;
        this.routes = tables.table(SharedTables.ROUTES);
        this.directory = directory;
        this.streams = streams;
    }

    /**
     * Also registers the streams published here when this node has neither the origin nor the transcoder role
     * (an edge announcing itself as the origin of what publishers send it). Call before start.
     */
    public void routeLocalPublishes() {
        this.routeLocalPublishes = true;
    }

    /** Streams this predicate accepts are never registered (e.g. an edge's local copies of relayed streams). */
    public void exclude(Predicate<Stream> notRouted) {
        this.notRouted = notRouted;
    }

    /** The RTMP port relays pull from; set once RTMP listens. Registers the streams already live. */
    public void rtmpPort(int port) {
        this.rtmpPort = port;
        context.runOnContext(v -> streams.streams().forEach(this::register));
    }

    /** Called on this table's context with (stream name, route or null) after every change, from any node. */
    public void onChange(BiConsumer<String, JsonObject> listener) {
        changeListeners.add(listener);
    }

    /**
     * Also compares the mirror with the table every {@code ms} (0 = never) and repairs it. Hazelcast sends entry
     * events to other members fire-and-forget and says they may be lost around a member's failure; without this a
     * lost event would leave a node's mirror wrong until the next change of that stream. Call before start.
     */
    public void resyncEvery(long ms) {
        this.resyncMs = ms;
    }

    /** Loads the mirror, starts listening; call from the owning context. */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        stopListening = routes.listen((name, route) -> {
            eventsApplied++;
            mirrorChanged(name, route);
        });
        directory.onMemberLeft(this::removeRoutesOfMember);
        directory.onRejoin(() -> {
            // remove_node took our routes out of the table: register the live streams again
            own.clear();
            streams.streams().forEach(this::register);
        });
        return routes.entries().map(all -> {
            all.forEach((name, route) -> {
                if (tables.isLive(route.getString(NodeDirectory.MEMBER_ID))) {
                    mirror.putIfAbsent(name, route);
                } else {
                    routes.removeIfSame(name, route); // its node died before we were here to see it
                }
            });
            // Origins route what is published on them, transcoders the renditions they make.
            if (routeLocalPublishes || directory.identity().has(NodeIdentity.ORIGIN)
                || directory.identity().has(NodeIdentity.TRANSCODER)) {
                streams.addListener(listener);
            }
            if (resyncMs > 0) {
                resyncTimer = vertx.setPeriodic(resyncMs, id -> resync());
            }
            return null;
        });
    }

    private void mirrorChanged(String name, JsonObject route) {
        if (route == null) {
            mirror.remove(name);
        } else {
            mirror.put(name, route);
        }
        changeListeners.forEach(l -> l.accept(name, route));
    }

    /** Brings the mirror to the table's content, unless a map event arrived while the snapshot was read. */
    private void resync() {
        long before = eventsApplied;
        routes.entries().onSuccess(all -> {
            if (eventsApplied != before) {
                return; // the snapshot may be older than that event: next round
            }
            all.forEach((name, route) -> {
                if (!route.equals(mirror.get(name))) {
                    LOG.info("Route of {} repaired from the table (a map event was missed)", name);
                    mirrorChanged(name, route);
                }
            });
            for (String name : List.copyOf(mirror.keySet())) {
                if (!all.containsKey(name)) {
                    LOG.info("Route of {} dropped: gone from the table (a map event was missed)", name);
                    mirrorChanged(name, null);
                }
            }
        }).onFailure(e -> LOG.debug("Route resync skipped: {}", e.getMessage()));
    }

    public Future<Void> stop() {
        if (resyncTimer >= 0) {
            vertx.cancelTimer(resyncTimer);
        }
        stopListening.run();
        streams.removeListener(listener);
        List<Future<Boolean>> removals = new ArrayList<>();
        own.forEach((name, route) -> removals.add(routes.removeIfSame(name, route)));
        own.clear();
        return Future.join(removals).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    /** The live route of {@code name}, from the mirror (a copy, the caller's to keep or change). */
    public Optional<JsonObject> lookup(String name) {
        JsonObject r = live(name);
        return r == null ? Optional.empty() : Optional.of(r.copy());
    }

    /**
     * Whether {@code name} has a live route. No copy: players' admission asks this per request (an HLS playlist
     * reload is one), where {@link #lookup}'s copy of the route was a measurable share of the serving cost.
     */
    public boolean has(String name) {
        return live(name) != null;
    }

    /** One string field of the live route of {@code name} (e.g. its {@code nodeId}), without copying the route. */
    public Optional<String> field(String name, String key) {
        JsonObject r = live(name);
        return r == null ? Optional.empty() : Optional.ofNullable(r.getString(key));
    }

    private JsonObject live(String name) {
        JsonObject r = mirror.get(name);
        return r != null && tables.isLive(r.getString(NodeDirectory.MEMBER_ID)) ? r : null;
    }

    /** Every live route, from the shared table (not the mirror), for {@code /cdn/show_routes}. */
    public Future<Map<String, JsonObject>> all() {
        return routes.entries().map(all -> {
            all.values().removeIf(r -> !tables.isLive(r.getString(NodeDirectory.MEMBER_ID)));
            return all;
        });
    }

    /** Removes the routes of a node taken out of the CDN. */
    public Future<Void> removeRoutesOfNode(String nodeId) {
        return removeWhere(r -> nodeId.equals(r.getString("nodeId")));
    }

    private void removeRoutesOfMember(String memberId) {
        removeWhere(r -> memberId.equals(r.getString(NodeDirectory.MEMBER_ID)))
            .onFailure(e -> LOG.warn("Could not remove the routes of departed member {}", memberId, e));
    }

    private Future<Void> removeWhere(Predicate<JsonObject> which) {
        return routes.entries().compose(all -> {
            List<Future<Boolean>> removals = new ArrayList<>();
            all.forEach((name, route) -> {
                if (which.test(route)) {
                    LOG.info("Removing route of {} via node {}", name, route.getString("nodeId"));
                    removals.add(routes.removeIfSame(name, route));
                }
            });
            return Future.all(removals).mapEmpty();
        });
    }

    private void register(Stream s) {
        if (s.isEnded() || rtmpPort < 0 || !directory.inCdn() || notRouted.test(s) || own.containsKey(s.name())) {
            return;
        }
        JsonObject route = new JsonObject()
            .put("streamName", s.name())
            .put("mediaSessionId", s.mediaSessionId())
            .put("nodeId", directory.identity().nodeId())
            .put("host", directory.identity().host())
            .put("rtmpPort", rtmpPort)
            .put("publishedAt", s.createdAtMillis())
            .put(NodeDirectory.MEMBER_ID, tables.localMemberId());
        own.put(s.name(), route);
        routes.put(s.name(), route).onFailure(e -> LOG.warn("Could not register the route of {}", s.name(), e));
    }

    private void unregister(Stream s) {
        JsonObject route = own.get(s.name());
        if (route == null || !s.mediaSessionId().equals(route.getString("mediaSessionId"))) {
            return;
        }
        own.remove(s.name(), route);
        routes.removeIfSame(s.name(), route).onFailure(e -> LOG.warn("Could not remove the route of {}", s.name(), e));
    }

    /** Registry callbacks come on the publisher's thread; the table work moves to our context. */
    private final class Listener implements StreamListener {
        @Override
        public void published(Stream stream) {
            context.runOnContext(v -> register(stream));
        }

        @Override
        public void unpublished(Stream stream, String reason) {
            context.runOnContext(v -> unregister(stream));
        }
    }
}
