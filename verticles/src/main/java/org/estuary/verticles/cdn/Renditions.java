package org.estuary.verticles.cdn;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.NodeIdentity;
import org.estuary.cluster.RouteTable;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profile renditions ({@code <stream><profile suffix>}) across nodes.
 *
 * <p>Edge side: a player asking for a rendition nobody makes yet makes this node ask the least loaded ACTIVE
 * transcoder node (over the clustered bus, address {@link #address}) to make it; the transcoder node publishes
 * it, which registers its route, and the edge then relays it like any routed stream (its {@link EdgeRelays}).
 * With no transcoder node available the player is refused with {@value #NO_TRANSCODERS}.
 *
 * <p>Transcoder side: relays the source from its origin (its own {@link EdgeRelays}), starts one local
 * {@code /transcoder2} transcoder per rendition, shared by every edge that asks, and stops it once it has had no
 * reader for {@code lingerMs}.
 *
 * <p>Everything runs on the CDN verticle's context except {@link #demand} and {@link #refusal}.
 */
final class Renditions {
    private static final Logger LOG = LoggerFactory.getLogger(Renditions.class);
    static final String NO_TRANSCODERS = "No available transcoders";
    private static final String STARTUP = Addresses.api("/transcoder2/startup");
    private static final String TERMINATE = Addresses.api("/transcoder2/terminate");

    private final Vertx vertx;
    private final Context context;
    private final StreamRegistry streams;
    private final RouteTable routes;
    private final Profiles profiles;
    private final NodeDirectory directory;
    private final EdgeRelays relays;
    private final long lingerMs;
    private final long waitMs;
    private final long refreshMs;
    /** ACTIVE transcoder nodes, least loaded first; refreshed every {@code refreshMs}. */
    private volatile List<String> transcoders = List.of();
    /** Edge side: renditions asked for whose route has not appeared yet, with when they were asked. */
    private final Map<String, Long> wanted = new ConcurrentHashMap<>();
    /** Transcoder side: renditions made here, with their idle bookkeeping. */
    private final Map<String, Made> made = new ConcurrentHashMap<>();
    private MessageConsumer<JsonObject> consumer;
    private long timer = -1;

    private static final class Made {
        long startedAt = System.currentTimeMillis();
        long idleSince;
        boolean hadReader;

        /** An edge is about to relay it: it gets a new reader's wait before its idle countdown starts again. */
        void renew() {
            startedAt = System.currentTimeMillis();
            idleSince = 0;
            hadReader = false;
        }
    }
    /** Transcoder side: renditions whose transcoder is being terminated (a new ask waits, then makes it anew). */
    private final java.util.Set<String> stopping = ConcurrentHashMap.newKeySet();
    /** Edge side: renditions asked for here, with when they were last asked (re-asked while players wait). */
    private final Map<String, Long> followed = new ConcurrentHashMap<>();

    /**
     * @param relays this node's relays (edges and transcoders have them), or null
     */
    Renditions(Vertx vertx, Context context, StreamRegistry streams, RouteTable routes, Profiles profiles,
               NodeDirectory directory, EdgeRelays relays, long lingerMs, long waitMs, long refreshMs) {
        this.vertx = vertx;
        this.context = context;
        this.streams = streams;
        this.routes = routes;
        this.profiles = profiles;
        this.directory = directory;
        this.relays = relays;
        this.lingerMs = lingerMs;
        this.waitMs = waitMs;
        this.refreshMs = refreshMs;
    }

    /** Where a transcoder node takes rendition requests. */
    static String address(String nodeId) {
        return "estuary.node." + nodeId + ".cdn.rendition";
    }

    Future<Void> start() {
        routes.onChange(this::routeChanged);
        timer = vertx.setPeriodic(Math.max(200, Math.min(refreshMs, lingerMs / 2)), id -> tick());
        if (directory.identity().has(NodeIdentity.TRANSCODER)) {
            consumer = vertx.eventBus().consumer(address(directory.identity().nodeId()), this::make);
            return consumer.completion().compose(v -> refreshTranscoders());
        }
        return refreshTranscoders();
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (consumer != null) {
            consumer.unregister();
        }
        made.keySet().forEach(this::terminate);
        made.clear();
    }

    private long lastRefresh;

    private void tick() {
        long now = System.currentTimeMillis();
        if (now - lastRefresh >= refreshMs) {
            lastRefresh = now;
            refreshTranscoders();
        }
        wanted.entrySet().removeIf(e -> now - e.getValue() > waitMs); // its players have given up by now
        reaskWaiting(now);
        made.forEach((name, m) -> {
            Optional<Stream> out = streams.find(name);
            if (out.isPresent() && !out.get().readers().isEmpty()) {
                m.idleSince = 0;
                m.hadReader = true;
            } else if (m.hadReader || now - m.startedAt > waitMs) { // a new one waits for the edge that asked
                if (m.idleSince == 0) {
                    m.idleSince = now;
                } else if (now - m.idleSince >= lingerMs) {
                    LOG.info("Rendition {} stopped: no readers for {} ms", name, lingerMs);
                    made.remove(name, m);
                    terminate(name);
                }
            }
        });
    }

    private Future<Void> refreshTranscoders() {
        return directory.liveEntries().map(nodes -> {
            transcoders = nodes.stream()
                .filter(n -> n.getJsonArray("roles", new JsonArray()).contains(NodeIdentity.TRANSCODER))
                .filter(n -> NodeDirectory.ACTIVE.equals(n.getString("globalState")))
                .sorted(Comparator.<JsonObject>comparingInt(n -> load(n, "transcoders")).thenComparingInt(n -> load(n, "cpu")))
                .map(n -> n.getString("nodeId"))
                .toList();
            return (Void) null;
        }).recover(e -> {
            LOG.debug("Transcoder list not refreshed: {}", e.getMessage());
            return Future.succeededFuture();
        });
    }

    private static int load(JsonObject node, String figure) {
        JsonObject load = node.getJsonObject("load", new JsonObject());
        return load.getValue(figure) instanceof Number n ? n.intValue() : 0;
    }

    // ------------------------------------------------------------------ edge side

    /** The rendition {@code name} stands for, when no node publishes it yet (nor this one). */
    private Optional<Profiles.Rendition> unmade(String name) {
        if (routes.has(name) || streams.find(name).isPresent()) {
            return Optional.empty();
        }
        return profiles.rendition(name);
    }

    /** Admission (any thread): null, or why a player of {@code name} is refused now. */
    String refusal(String name) {
        return transcoders.isEmpty() && unmade(name).isPresent() ? NO_TRANSCODERS : null;
    }

    /** Stream hub (any thread): the name to wait for when {@code name} is a rendition to make, else null. */
    String demand(String name) {
        Optional<Profiles.Rendition> r = unmade(name);
        if (r.isEmpty()) {
            return null;
        }
        context.runOnContext(v -> ask(name, r.get()));
        return name;
    }

    /**
     * Readers here still wait for a rendition that ended (it stopped for want of readers just as they came: an
     * HLS agent follows the name across it, an RTMP player may still be within its wait): ask for it again, at
     * most once every two seconds per name. A name nobody waits for any more is forgotten.
     */
    private void reaskWaiting(long now) {
        followed.forEach((name, last) -> {
            boolean live = streams.find(name).isPresent() || routes.has(name);
            if (!streams.awaited(name)) {
                if (!live) {
                    followed.remove(name, last);
                }
                return;
            }
            if (!live && !wanted.containsKey(name) && now - last >= 2_000) {
                // only while its source is published somewhere (else it could not be made): the next tick after
                // the source's route is back asks
                profiles.rendition(name).filter(r -> routes.has(r.source())
                    || streams.find(r.source()).isPresent()).ifPresent(r -> {
                    LOG.info("Rendition {} asked again: players here wait for it", name);
                    ask(name, r);
                });
            }
        });
    }

    /**
     * Edge side: this node starts relaying {@code name} from {@code route}. When it is a rendition, its transcoder
     * node is told, so that a rendition about to stop for want of readers (its last edge relay left moments ago)
     * waits for this relay's reader instead of ending under it.
     */
    void relayStarting(String name, JsonObject route) {
        Optional<Profiles.Rendition> r = profiles.rendition(name);
        String node = route.getString("nodeId");
        if (r.isEmpty() || node == null) {
            return;
        }
        followed.put(name, System.currentTimeMillis());
        vertx.eventBus().request(address(node), request(name, r.get()), new DeliveryOptions().setSendTimeout(waitMs))
            .onFailure(e -> LOG.debug("Rendition {} not renewed on {}: {}", name, node, e.getMessage()));
    }

    private static JsonObject request(String name, Profiles.Rendition r) {
        return new JsonObject().put("name", name).put("source", r.source()).put("profileName", r.profileName())
            .put("profile", r.profile());
    }

    private void ask(String name, Profiles.Rendition r) {
        followed.put(name, System.currentTimeMillis());
        if (wanted.putIfAbsent(name, System.currentTimeMillis()) != null) {
            return; // asked already; the route will come
        }
        List<String> candidates = transcoders;
        if (candidates.isEmpty()) {
            LOG.info("Rendition {} not made: {}", name, NO_TRANSCODERS);
            wanted.remove(name);
            return;
        }
        String node = candidates.get(0);
        LOG.info("Rendition {} ({} of {}) asked of transcoder {}", name, r.profileName(), r.source(), node);
        JsonObject body = request(name, r);
        vertx.eventBus().<JsonObject>request(address(node), body, new DeliveryOptions().setSendTimeout(waitMs))
            .onFailure(e -> {
                LOG.warn("Rendition {} not made by {}: {}", name, node, e.getMessage());
                wanted.remove(name);
            });
    }

    private void routeChanged(String name, JsonObject route) {
        if (route != null && relays != null && wanted.remove(name) != null) {
            relays.relay(name, route);
        }
    }

    // ------------------------------------------------------------------ transcoder side

    private void make(Message<JsonObject> m) {
        JsonObject b = m.body();
        String name = b.getString("name");
        String source = b.getString("source");
        JsonObject profile = b.getJsonObject("profile");
        if (name == null || source == null || profile == null) {
            m.fail(ApiStatus.BAD_REQUEST, "name, source and profile are required");
            return;
        }
        if (stopping.contains(name)) {
            // its transcoder is ending (no readers until just now): make it anew once it is gone
            LOG.info("Rendition {} asked for while it stops: made again once stopped", name);
            whenStopped(name).onComplete(v -> make(m));
            return;
        }
        Made already = made.get(name);
        if (already != null || streams.find(name).isPresent()) {
            if (already != null) {
                already.renew(); // an edge relays it (again): its reader is on the way
            }
            m.reply(new JsonObject().put("name", name));
            return;
        }
        if (streams.find(source).isEmpty()) {
            Optional<JsonObject> route = routes.lookup(source);
            if (route.isEmpty() || relays == null) {
                m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + source);
                return;
            }
            relays.relay(source, route.get());
        }
        made.put(name, new Made());
        withVideo(source).compose(v -> {
            JsonObject startup = new JsonObject().put("uri", "transcoder2://cdn" + name.replaceAll("[^A-Za-z0-9._-]", "_"))
                .put("remoteStreamName", source).put("localStreamName", name).put("encoder", Profiles.encoder(profile));
            return vertx.eventBus().request(STARTUP, startup,
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(waitMs));
        }).onSuccess(v -> {
            LOG.info("Rendition {} made here from {} with profile {}", name, source, b.getString("profileName"));
            m.reply(new JsonObject().put("name", name));
        }).onFailure(e -> {
            LOG.warn("Rendition {} could not start: {}", name, e.getMessage());
            made.remove(name);
            m.fail(ApiStatus.INTERNAL, "Rendition " + name + " could not start: " + e.getMessage());
        });
    }

    /** Completes once {@code source} is live here with video (the transcoder needs its first picture's size). */
    private Future<Void> withVideo(String source) {
        Promise<Void> done = Promise.promise();
        long until = System.currentTimeMillis() + waitMs;
        vertx.setPeriodic(0, 100, id -> {
            Optional<Stream> s = streams.find(source);
            if (s.isPresent() && s.get().description().hasVideo()) {
                vertx.cancelTimer(id);
                done.tryComplete();
            } else if (System.currentTimeMillis() > until) {
                vertx.cancelTimer(id);
                done.tryFail("no video of " + source + " within " + waitMs + " ms");
            }
        });
        return done.future();
    }

    private void terminate(String name) {
        stopping.add(name);
        vertx.eventBus().request(TERMINATE, new JsonObject().put("localStreamName", name),
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
            .onFailure(e -> LOG.debug("Rendition {} already gone: {}", name, e.getMessage()))
            .onComplete(ar -> stopping.remove(name));
    }

    /** Completes once the stopping transcoder of {@code name} and its stream are gone (or after {@code waitMs}). */
    private Future<Void> whenStopped(String name) {
        Promise<Void> done = Promise.promise();
        long until = System.currentTimeMillis() + waitMs;
        vertx.setPeriodic(50, 50, id -> {
            if ((!stopping.contains(name) && streams.find(name).isEmpty()) || System.currentTimeMillis() > until) {
                vertx.cancelTimer(id);
                stopping.remove(name);
                done.tryComplete();
            }
        });
        return done.future();
    }
}
