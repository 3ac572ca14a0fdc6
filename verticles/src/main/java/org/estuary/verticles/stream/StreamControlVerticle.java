package org.estuary.verticles.stream;

import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.SharedAnswers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.control.ReplyEncoding;
import org.estuary.core.session.ClientConnection;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /stream/find_all}, {@code /stream/find}, {@code /stream/terminate} and
 * {@code /connection/*} from the node's hub, and publishes stream lifecycle events on
 * {@link Addresses#STREAM_EVENTS}. Deployed as a worker verticle (one request at a time, off the
 * event loops): a find_all over thousands of streams must not delay media on a shared event loop.
 */
public final class StreamControlVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StreamControlVerticle.class);

    private final StreamRegistry streams;
    private final ConnectionRegistry connections;
    private final String nodeId;
    private StreamListener listener;
    private FindAllSnapshot findAll;
    private SharedAnswers.Answer sharedFindAll;

    public StreamControlVerticle(StreamRegistry streams, ConnectionRegistry connections, String nodeId) {
        this.streams = streams;
        this.connections = connections;
        this.nodeId = nodeId;
    }

    @Override
    public Future<?> start() {
        Control api = new Control(vertx, LOG)
                .on("/stream/find_all", (m, b) -> findAllStreams(m))
                .on("/stream/find", (m, b) -> findStreams(m))
                .on("/stream/terminate", (m, b) -> terminateStreams(m))
                .on("/connection/find_all", (m, b) -> findConnections(m, false))
                .on("/connection/find", (m, b) -> findConnections(m, true))
                .on("/connection/terminate", (m, b) -> terminateConnection(m));
        listener = new EventPublisher();
        streams.addListener(listener);
        findAll = new FindAllSnapshot(streams);
        streams.addListener(findAll);
        // the REST layer sends a still-valid find_all from its own event loop, without the hop to this worker
        sharedFindAll = findAll::current;
        SharedAnswers.publish(vertx, "/stream/find_all", sharedFindAll);
        return api.ready();
    }

    @Override
    public Future<?> stop() {
        streams.removeListener(listener);
        streams.removeListener(findAll);
        SharedAnswers.withdraw(vertx, "/stream/find_all", sharedFindAll);
        return Future.succeededFuture();
    }

    /** Every stream of this node: publishers first, then players. */
    private List<JsonObject> allStreams() {
        return streamsNamed(null, null);
    }

    /**
     * The Stream objects of this node, publishers first, then players; only those of stream
     * {@code name} and/or with {@code mediaSessionId} when given (null: any). The hub's objects are
     * chosen before any JSON is built: a find of one stream among thousands builds one or a few.
     */
    private List<JsonObject> streamsNamed(String name, String mediaSessionId) {
        List<JsonObject> out = new ArrayList<>();
        // by name: the one stream registered under it (no scan of every stream per request)
        Stream named = name == null ? null : streams.registered(name);
        Collection<Stream> candidates = name == null ? streams.streams() : named == null ? List.of() : List.of(named);
        for (Stream s : candidates) {
            if (mediaSessionId == null || mediaSessionId.equals(s.mediaSessionId())) {
                out.add(StreamJson.publisher(s, nodeId));
            }
        }
        for (StreamReader r : streams.readers()) {
            if (r.info().player() && (name == null || name.equals(r.stream().name()))
                    && (mediaSessionId == null || mediaSessionId.equals(r.info().mediaSessionId()))) {
                out.add(StreamJson.player(r, nodeId));
            }
        }
        return out;
    }

    private void findAllStreams(Message<JsonObject> m) {
        Buffer answer = findAll.answer(() -> {
            List<JsonObject> all = allStreams();
            return all.isEmpty() ? null : new JsonArray(new ArrayList<>(all)).toBuffer();
        });
        if (answer == null) {
            m.fail(ApiStatus.NOT_FOUND, "Streams not found");
            return;
        }
        if ("true".equals(m.headers().get(ReplyEncoding.ACCEPTS_GZIP))) {
            m.reply(findAll.gzipped(), new DeliveryOptions().addHeader(ReplyEncoding.CONTENT_ENCODING, ReplyEncoding.GZIP));
            return;
        }
        m.reply(answer);
    }

    private void findStreams(Message<JsonObject> m) {
        JsonObject q = Body.of(m).json();
        Predicate<JsonObject> match = StreamFilter.of(q);
        JsonArray result = new JsonArray();
        streamsNamed(string(q, "name"), string(q, "mediaSessionId")).stream().filter(match).forEach(result::add);
        if (result.isEmpty()) {
            askElsewhere(m, "/stream/find", "Stream not found");
            return;
        }
        m.reply(result);
    }

    private static String string(JsonObject q, String key) {
        Object v = q.getValue(key);
        return v == null ? null : String.valueOf(v);
    }

    /**
     * A request about streams this node does not have: asks the other nodes of the cluster through
     * {@link Addresses#elsewhere} and answers what they answer; 404 {@code notFound} when there is no cluster
     * (no consumer), the request came from another node already, or no node has them.
     */
    private void askElsewhere(Message<JsonObject> m, String path, String notFound) {
        if (m.headers().contains(Addresses.FORWARDED)) {
            m.fail(ApiStatus.NOT_FOUND, notFound);
            return;
        }
        vertx.eventBus().request(Addresses.elsewhere(path), Body.of(m).json(),
                new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000))
            .onSuccess(reply -> m.reply(reply.body()))
            .onFailure(e -> m.fail(ApiStatus.NOT_FOUND, notFound));
    }

    private void terminateStreams(Message<JsonObject> m) {
        JsonObject q = Body.of(m).json();
        Set<String> ids = new LinkedHashSet<>();
        Object msid = q.getValue("mediaSessionId");
        if (msid instanceof JsonArray arr) {
            arr.forEach(v -> ids.add(String.valueOf(v)));
        } else if (msid instanceof String s) {
            ids.add(s);
        }
        Object list = q.getValue("mediaSessionIds");
        if (list instanceof JsonArray arr) {
            arr.forEach(v -> ids.add(String.valueOf(v)));
        }
        boolean hasFilter = !ids.isEmpty() || q.containsKey("name") || q.containsKey("status") || q.containsKey("published");
        if (!hasFilter) {
            m.fail(ApiStatus.BAD_REQUEST, "Give name, mediaSessionId (one or a list), status or published to choose streams");
            return;
        }
        JsonObject rest = q.copy();
        rest.remove("mediaSessionId");
        rest.remove("mediaSessionIds");
        Predicate<JsonObject> match = StreamFilter.of(rest);
        int n = 0;
        for (JsonObject o : allStreams()) {
            String id = o.getString("mediaSessionId");
            if ((!ids.isEmpty() && !ids.contains(id)) || !match.test(o)) {
                continue;
            }
            n++;
            if (o.getBoolean("published")) {
                streams.findByMediaSessionId(id).ifPresent(s -> {
                    LOG.info("Terminating stream {} ({}) by REST", s.name(), s.mediaSessionId());
                    s.terminate();
                    s.end("Stopped by rest /terminate");
                });
            } else {
                streams.findReader(id).ifPresent(r -> {
                    LOG.info("Terminating player {} of {} by REST", id, r.stream().name());
                    r.terminate();
                });
            }
        }
        if (n == 0) {
            askElsewhere(m, "/stream/terminate", "Stream not found");
        } else {
            m.reply(null);
        }
    }

    private void findConnections(Message<JsonObject> m, boolean filtered) {
        JsonObject q = Body.of(m).json();
        JsonArray result = new JsonArray();
        for (ClientConnection c : connections.all()) {
            JsonObject o = StreamJson.connection(c, nodeId);
            if (!filtered || (matches(q, o, "appKey") && matches(q, o, "sessionId") && matches(q, o, "clientVersion"))) {
                result.add(o);
            }
        }
        if (result.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, filtered ? "Not found" : "No connections found");
            return;
        }
        m.reply(result);
    }

    private void terminateConnection(Message<JsonObject> m) {
        String sessionId = Body.of(m).json().getString("sessionId");
        if (sessionId == null) {
            m.fail(ApiStatus.BAD_REQUEST, "Missing required field 'sessionId'");
            return;
        }
        connections.find(sessionId).ifPresentOrElse(c -> {
            LOG.info("Terminating connection {} by REST", sessionId);
            c.terminate();
            m.reply(null);
        }, () -> m.fail(ApiStatus.NOT_FOUND, "No such connection: " + sessionId));
    }

    private static boolean matches(JsonObject q, JsonObject o, String key) {
        Object want = q.getValue(key);
        return want == null || String.valueOf(want).equals(String.valueOf(o.getValue(key)));
    }

    /** Stream lifecycle → event bus, for outside subscribers (bridge, WebSocket API later). */
    private final class EventPublisher implements StreamListener {
        @Override
        public void published(Stream s) {
            LOG.info("Stream published: name={} mediaSessionId={} provider={}", s.name(), s.mediaSessionId(),
                    s.publisher().mediaProvider());
            vertx.eventBus().publish(Addresses.STREAM_EVENTS, event("published", s, null));
        }

        @Override
        public void unpublished(Stream s, String reason) {
            LOG.info("Stream {}: name={} mediaSessionId={} reason={}", s.isFailed() ? "failed" : "unpublished", s.name(),
                    s.mediaSessionId(), reason);
            vertx.eventBus().publish(Addresses.STREAM_EVENTS, event(s.isFailed() ? "failed" : "unpublished", s, reason));
        }

        private JsonObject event(String type, Stream s, String reason) {
            return new JsonObject().put("event", type).put("nodeId", nodeId).put("name", s.name())
                    .put("mediaSessionId", s.mediaSessionId()).put("info", reason)
                    .put("timestamp", System.currentTimeMillis());
        }
    }
}
