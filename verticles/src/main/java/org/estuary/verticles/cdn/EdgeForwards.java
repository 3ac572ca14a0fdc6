package org.estuary.verticles.cdn;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.NodeIdentity;
import org.estuary.core.control.Addresses;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdn.edgePublish: relay}: a node without the origin role takes a publisher's stream and forwards it to an
 * origin node, which publishes it under the same name and so registers its route; every other node then plays it
 * from that origin like any routed stream, and this node's own players read the local publish.
 *
 * <p>The forward is an RTMP push ({@code /push/startup}, frames unchanged) to the least loaded live origin that is
 * ACTIVE and takes new streams. It carries the cluster's relay token and this node's id ({@code cdnRelay},
 * {@code cdnNode}) plus the publisher's own query (a {@code secret} for the origin's static rules, say). It ends
 * with the local publish. When the origin it goes to leaves the cluster, the stream is forwarded again to another
 * origin (the push alone would keep knocking on the dead one). A publish finding no such origin is refused
 * ({@value #NO_ORIGIN}).
 *
 * <p>Only streams a publisher brought (those admitted as PUBLISH on this node) are forwarded, not the node's own
 * copies (relays, transcoder outputs, pulls). Everything but the admission and registry callbacks runs on the CDN
 * verticle's context.
 */
final class EdgeForwards {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeForwards.class);
    /** Why a publisher is refused when no origin can take its stream. */
    static final String NO_ORIGIN = "no origin node to relay to";
    private static final String PUSH = Addresses.api("/push/startup");
    private static final String PUSH_TERMINATE = Addresses.api("/push/terminate");
    private static final long BUS_TIMEOUT_MS = 5_000;
    /** An admitted publish that has not started by then never will (refused further on, or the client left). */
    private static final long ADMITTED_TTL_MS = 60_000;

    /** One forwarded publish. */
    private static final class Forward {
        final String name;
        final String mediaSessionId;
        String originNodeId;
        String originMemberId;
        String uri;
        /** The push's id, once {@code /push/startup} answered. */
        String pushId;
        /** {@code /push/startup}s on their way (their answer ends the push when the forward ended meanwhile). */
        int starting;
        boolean ended;

        Forward(String name, String mediaSessionId) {
            this.name = name;
            this.mediaSessionId = mediaSessionId;
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final StreamRegistry streams;
    private final NodeDirectory directory;
    /** {@code cdnRelay=...&cdnNode=...}: what the origin knows this node's forwards by. */
    private final String relayQuery;
    /** Stream names admitted for publishing here and not published yet, with when (any thread). */
    private final Map<String, Long> admitted = new ConcurrentHashMap<>();
    /** Forwards by stream name (written from the registry's callbacks, so concurrent). */
    private final Map<String, Forward> forwards = new ConcurrentHashMap<>();
    private final Listener listener = new Listener();

    EdgeForwards(Vertx vertx, Context context, StreamRegistry streams, NodeDirectory directory, String relayQuery) {
        this.vertx = vertx;
        this.context = context;
        this.streams = streams;
        this.directory = directory;
        this.relayQuery = relayQuery;
    }

    void start() {
        streams.addListener(listener);
        directory.onMemberLeft(this::memberLeft);
    }

    void stop() {
        streams.removeListener(listener);
        forwards.values().forEach(f -> end(f, "Server shutdown"));
    }

    /**
     * True for a stream this node forwards, is about to, or still pushes while the push stops: never this node's
     * own route, and never relayed back here from the origin (the push, waiting for its source to come back,
     * would follow the relay's local copy and feed the origin its own stream).
     */
    boolean isForwarded(String name) {
        return forwards.containsKey(name) || admitted.containsKey(name);
    }

    /** The origin a forwarded stream goes to, for {@code /cdn/stream/show_routes}; null when not forwarded. */
    JsonObject describe(String name) {
        Forward f = forwards.get(name);
        return f == null || f.originNodeId == null ? null : new JsonObject().put("originNodeId", f.originNodeId)
            .put("uri", redacted(f.uri)).put("pushId", f.pushId).put("mediaSessionId", f.mediaSessionId);
    }

    /**
     * The admission of a publisher of {@code name} (any thread): null when an origin can take it (the stream is
     * then forwarded once published), else {@value #NO_ORIGIN}.
     */
    Future<String> admit(String name) {
        long now = System.currentTimeMillis();
        admitted.values().removeIf(at -> now - at > ADMITTED_TTL_MS);
        return origin(null).map(origin -> {
            if (origin.isEmpty()) {
                return NO_ORIGIN;
            }
            admitted.put(name, now);
            return null;
        });
    }

    /**
     * The least loaded live node with the origin role that is ACTIVE and takes new streams (fewest streams and
     * players, then CPU), other than {@code avoid}; empty when there is none.
     */
    private Future<Optional<JsonObject>> origin(String avoid) {
        return directory.liveEntries().map(nodes -> nodes.stream()
            .filter(n -> n.getJsonArray("roles", new JsonArray()).contains(NodeIdentity.ORIGIN))
            .filter(n -> NodeDirectory.ACTIVE.equals(n.getString("globalState")))
            .filter(n -> NodeDirectory.NEW_STREAMS_ALLOWED.equals(n.getString("processingState")))
            .filter(n -> n.getString("host") != null && n.getJsonObject("endpoints", new JsonObject()).getInteger("rtmp") != null)
            .filter(n -> !n.getString("nodeId").equals(avoid))
            .min(Comparator.<JsonObject>comparingInt(n -> load(n, "streams") + load(n, "players"))
                .thenComparingInt(n -> load(n, "cpu"))));
    }

    private static int load(JsonObject node, String figure) {
        JsonObject load = node.getJsonObject("load", new JsonObject());
        return load.getValue(figure) instanceof Number n ? n.intValue() : 0;
    }

    /** On the context: pushes the local publish to an origin (not {@code avoid}), or cuts it when there is none. */
    private void forward(Forward f, String avoid) {
        origin(avoid).onComplete(found -> {
            if (f.ended || forwards.get(f.name) != f) {
                return;
            }
            Optional<JsonObject> origin = found.succeeded() ? found.result() : Optional.empty();
            if (origin.isEmpty()) {
                LOG.warn("Stream {} published here cannot be relayed: {}; the publisher is cut", f.name, NO_ORIGIN);
                streams.find(f.name).filter(s -> s.mediaSessionId().equals(f.mediaSessionId)).ifPresent(Stream::terminate);
                end(f, NO_ORIGIN);
                return;
            }
            JsonObject node = origin.get();
            f.originNodeId = node.getString("nodeId");
            f.originMemberId = node.getString(NodeDirectory.MEMBER_ID);
            f.uri = "rtmp://" + node.getString("host") + ":" + node.getJsonObject("endpoints").getInteger("rtmp")
                + "/live/" + f.name + "?" + relayQuery + publisherQuery(f.name);
            LOG.info("Stream {} published here is relayed to origin {} ({})", f.name, f.originNodeId, redacted(f.uri));
            f.starting++;
            String target = f.originNodeId;
            vertx.eventBus().<JsonObject>request(PUSH, new JsonObject().put("streamName", f.name).put("rtmpUrl", f.uri)
                        .put("rtmpTransponderFullUrl", true),
                    new DeliveryOptions().setLocalOnly(true).setSendTimeout(BUS_TIMEOUT_MS))
                .onComplete(started -> {
                    f.starting--;
                    if (started.succeeded()) {
                        String id = started.result().body().getString("mediaSessionId");
                        if (target.equals(f.originNodeId)) {
                            f.pushId = id;
                        } else { // the origin left while this push started: another push replaces it
                            terminatePush(f.name, id);
                        }
                    } else {
                        LOG.warn("Relay of {} to origin {} could not start: {}", f.name, f.originNodeId,
                            started.cause().getMessage());
                    }
                    if (f.ended && f.starting == 0) {
                        finish(f); // the publisher left while the push started
                    }
                });
        });
    }

    /** {@code &name=value...} of the publisher's own query, without our relay parameters. */
    private String publisherQuery(String name) {
        StringBuilder q = new StringBuilder();
        streams.find(name).ifPresent(s -> s.publisher().query().forEach((k, v) -> {
            if (!k.equals(AccessLists.RELAY_PARAMETER) && !k.equals(AccessLists.RELAY_NODE_PARAMETER)) {
                q.append('&').append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8));
            }
        }));
        return q.toString();
    }

    /** The origin of some forwards left the cluster: forward those streams again, elsewhere. */
    private void memberLeft(String memberId) {
        for (Forward f : List.copyOf(forwards.values())) {
            if (!memberId.equals(f.originMemberId) || f.ended) {
                continue;
            }
            LOG.info("Origin {} of relayed stream {} left the cluster: relaying it to another origin", f.originNodeId, f.name);
            String dead = f.originNodeId;
            terminatePush(f);
            f.originNodeId = null;
            f.originMemberId = null;
            forward(f, dead);
        }
    }

    private void end(Forward f, String why) {
        if (f.ended) {
            return;
        }
        f.ended = true;
        if (f.originNodeId != null) {
            LOG.info("Relay of {} to origin {} ended: {}", f.name, f.originNodeId, why);
        }
        if (f.starting == 0) {
            finish(f);
        }
    }

    /** Stops the push of an ended forward; the stream counts as forwarded until the push is gone. */
    private void finish(Forward f) {
        terminatePush(f).onComplete(done -> forwards.remove(f.name, f));
    }

    private Future<Void> terminatePush(Forward f) {
        String id = f.pushId;
        f.pushId = null;
        return terminatePush(f.name, id);
    }

    private Future<Void> terminatePush(String name, String id) {
        if (id == null) {
            return Future.succeededFuture();
        }
        return vertx.eventBus().request(PUSH_TERMINATE, new JsonObject().put("mediaSessionId", id),
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(BUS_TIMEOUT_MS))
            .<Void>mapEmpty()
            .recover(e -> {
                LOG.debug("Relay push {} of {} already gone: {}", id, name, e.getMessage());
                return Future.succeededFuture();
            });
    }

    /** The URL without the relay token (logs and REST answers). */
    private static String redacted(String uri) {
        return uri == null ? null : uri.replaceAll("(" + AccessLists.RELAY_PARAMETER + "=)[^&]*", "$1***");
    }

    /** Registry callbacks come on the publisher's thread; the work moves to the CDN context. */
    private final class Listener implements StreamListener {
        @Override
        public void published(Stream stream) {
            String name = stream.name();
            if (!admitted.containsKey(name)) {
                return; // not a publisher's stream: a relay's copy, a transcoder output, a pull...
            }
            Forward f = new Forward(name, stream.mediaSessionId());
            Forward old = forwards.put(name, f); // before the admitted mark goes, so isForwarded never misses it
            admitted.remove(name);
            context.runOnContext(v -> {
                if (old != null) {
                    end(old, "published again"); // its unpublished event may come after this one
                }
                forward(f, null);
            });
        }

        @Override
        public void unpublished(Stream stream, String reason) {
            Forward f = forwards.get(stream.name());
            if (f != null && f.mediaSessionId.equals(stream.mediaSessionId())) {
                context.runOnContext(v -> end(f, "the publisher left (" + reason + ")"));
            }
        }
    }
}
