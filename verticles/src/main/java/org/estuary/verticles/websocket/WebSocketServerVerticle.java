package org.estuary.verticles.websocket;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.core.limits.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.estuary.core.config.WebSocketConfig;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.session.Admission;
import org.estuary.core.session.ClientConnection;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.tls.TlsServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser-facing HTTP/WebSocket listener on {@code websocket.port}: WCS WebSocket sessions on
 * any path that asks for an upgrade, routes other features add with {@link #addRoutes(Consumer)}
 * (WHIP/WHEP), then the web page (classpath {@code webroot/}) and {@code /config.json}. Serves
 * {@code /data/send}, {@code /stream/event/send} and {@code /logger/*}. One instance; REST and bus
 * handlers reach a session through {@link WcsConnection#run}, on the session's loop.
 */
public final class WebSocketServerVerticle extends VerticleBase implements WcsHub {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketServerVerticle.class);
    /** Per-node address of /data/send, so a request naming another node's id reaches that node. */
    static final String NODE_DATA_PREFIX = "estuary.websocket.data.";

    private final WebSocketConfig config;
    private final String bindAddress;
    private final List<Consumer<Router>> extraRoutes = new ArrayList<>();
    private volatile HttpServer server;
    private volatile HttpServer tlsServer;
    private TlsServers tls;
    private int tlsPort = -1;
    private final StreamRegistry streams;
    private final ConnectionRegistry connections;
    private final String nodeId;
    private final Supplier<JsonObject> pageConfig;
    private final Map<String, WcsConnection> sessions = new ConcurrentHashMap<>();
    private final AtomicLong refusedTotal = new AtomicLong();
    private volatile Admission admission = Admission.allowAll();
    private volatile Limits limits = Limits.none();
    /** Each open session's place within the connection limits, released when it closes. */
    private final Map<WcsConnection, Limits.Permit> places = new ConcurrentHashMap<>();
    private volatile WcsMedia media = new UnavailableMedia();

    /**
     * @param pageConfig what the web page needs to find the other listeners (REST and HLS ports),
     *                   asked on each request because those listeners start later
     */
    public WebSocketServerVerticle(WebSocketConfig config, String bindAddress, StreamRegistry streams,
                                   ConnectionRegistry connections, String nodeId, Supplier<JsonObject> pageConfig) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.streams = streams;
        this.connections = connections;
        this.nodeId = nodeId;
        this.pageConfig = pageConfig;
    }

    /** The admission point asked before a session is accepted and before it publishes or plays. */
    public WebSocketServerVerticle admission(Admission a) {
        this.admission = a;
        return this;
    }

    /** The WebRTC side of publishStream/playStream (without one every publish/play fails with a reason). */
    public WebSocketServerVerticle media(WcsMedia m) {
        this.media = m;
        return this;
    }

    /** The node's connection limits; call before deployment. */
    public WebSocketServerVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    /** Adds HTTP routes on this port (before deployment), e.g. WHIP/WHEP; they come after the WebSocket upgrade and before the page. */
    public synchronized WebSocketServerVerticle addRoutes(Consumer<Router> routes) {
        extraRoutes.add(routes);
        return this;
    }

    /** Also serves the port over TLS (WSS, and the page/WHIP/WHEP over HTTPS) on {@code port}; call before deployment. */
    public synchronized WebSocketServerVerticle tls(TlsServers tls, int port) {
        this.tls = tls;
        this.tlsPort = port;
        return this;
    }

    /** The bound WSS port once started, or -1 when TLS is off. */
    public int actualTlsPort() {
        HttpServer t = tlsServer;
        return t == null ? -1 : t.actualPort();
    }

    /** The bound port once started, or -1. */
    public int actualPort() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    /**
     * Largest frame Vert.x accepts before closing the connection; messages up to it are assembled by
     * WcsConnection, which refuses those over maxMessageBytes with a 'fail' answer.
     */
    private int frameLimit() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(4L * config.maxMessageBytes(), 1 << 20));
    }

    /** Routes every WebSocket upgrade request (any path: WCS clients use "/" or "/websocket") to a session. */
    private void mountWebSocket(Router router) {
        router.route().handler(ctx -> {
            HttpServerRequest req = ctx.request();
            if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
                ctx.next();
                return;
            }
            Limits.Result<Limits.Permit> place = limits.openConnection(req.remoteAddress().hostAddress());
            if (!place.allowed()) {
                // Refused before the upgrade, as an HTTP answer a client can read: 429 for a rate, 503 for a count.
                Refusal r = place.refusal();
                LOG.info("WebSocket connection from {} refused: {}", req.remoteAddress(), r.message());
                int status = r.limit() == Limit.CONNECTION_RATE_PER_ADDRESS ? 429 : 503;
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("status", status).put("message", r.message())
                                .put("limit", r.limit().configKey()).encode());
                return;
            }
            req.toWebSocket().onSuccess(ws -> {
                WcsConnection c = new WcsConnection(ws, this);
                places.put(c, place.value());
                c.start();
            }).onFailure(e -> {
                place.value().release();
                LOG.debug("WebSocket upgrade failed: {}", e.toString());
            });
        });
    }

    /** The web page and its /config.json; mounted last, it answers every other GET. */
    private void mountPage(Router router) {
        router.get("/config.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(pageConfig.get().put("nodeId", nodeId).encode()));
        router.get().handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    }

    @Override
    public Future<?> start() {
        Future<Void> api = new Control(vertx, LOG)
                .on("/data/send", this::dataSend)
                .at(NODE_DATA_PREFIX + nodeId, this::dataSendHere) // /data/send forwarded from another node
                .on("/stream/event/send", this::streamEventSend)
                .on("/logger/enable_client_log", (m, b) -> clientLog(m, b, true))
                .on("/logger/disable_client_log", (m, b) -> clientLog(m, b, false))
                .ready();
        // stream events are published (no answer): a listener, not a control method
        Future<Void> events = vertx.eventBus().<JsonObject>consumer(Addresses.STREAM_EVENTS, m -> onStreamEvent(m.body()))
                .completion();
        Router router = Router.router(vertx);
        mountWebSocket(router);
        synchronized (this) {
            extraRoutes.forEach(r -> r.accept(router));
        }
        mountPage(router);
        HttpServerOptions options = new HttpServerOptions().setHost(bindAddress).setPort(config.port())
                .setHttp2ClearTextEnabled(false)
                .setMaxWebSocketFrameSize(frameLimit()).setMaxWebSocketMessageSize(frameLimit());
        return Future.all(api, events).compose(v -> vertx.createHttpServer(options).requestHandler(router).listen())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("WebSocket/HTTP listener on {}:{}", bindAddress, s.actualPort());
                })
                .compose(s -> tls == null ? Future.succeededFuture(s)
                        // the same router: WSS upgrades count in the limits and reach the same sessions;
                        // WebSocket clients negotiate HTTP/1.1 by ALPN, the page may use HTTP/2
                        : vertx.createHttpServer(tls.https(new HttpServerOptions(options).setPort(tlsPort)))
                            .requestHandler(router).listen().onSuccess(t -> {
                                tlsServer = t;
                                tls.register(o -> t.updateSSLOptions(o, true));
                                LOG.info("WebSocket over TLS (wss) on {}:{}", bindAddress, t.actualPort());
                            }));
    }

    @Override
    public Future<?> stop() {
        for (WcsConnection c : sessions.values()) {
            c.run(() -> c.close((short) 1001, "Server shutdown"));
        }
        HttpServer s = server;
        HttpServer t = tlsServer;
        return Future.join(s == null ? Future.succeededFuture() : s.close(),
                t == null ? Future.succeededFuture() : t.close());
    }

    // ---- WcsHub --------------------------------------------------------------------------------

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public WebSocketConfig settings() {
        return config;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public WcsMedia media() {
        return media;
    }

    @Override
    public Admission admission() {
        return admission;
    }

    @Override
    public void established(WcsConnection c) {
        sessions.put(c.sessionId(), c);
        connections.add(new ClientConnection(c.sessionId(), c.appKey(), "WebSocket", c.clientVersion(), c.createdAt(),
                () -> c.run(() -> c.close((short) 1000, "Terminated by REST")), c.attributes()));
        publish(Addresses.CONNECTION_EVENTS, connectionEvent("connected", c));
    }

    @Override
    public void closed(WcsConnection c) {
        Limits.Permit place = places.remove(c);
        if (place != null) {
            place.release();
        }
        if (sessions.remove(c.sessionId()) != null) {
            connections.remove(c.sessionId());
            publish(Addresses.CONNECTION_EVENTS, connectionEvent("disconnected", c));
        }
    }

    private JsonObject connectionEvent(String type, WcsConnection c) {
        return new JsonObject().put("event", type).put("nodeId", nodeId).put("sessionId", c.sessionId())
                .put("appKey", c.appKey()).put("protocol", "WebSocket").put("timestamp", System.currentTimeMillis());
    }

    @Override
    public void publish(String address, JsonObject event) {
        vertx.eventBus().publish(address, event);
    }

    @Override
    public boolean streamExists(String name) {
        return streams.find(name).isPresent();
    }

    @Override
    public void refused(WcsConnection c, String reason) {
        refusedTotal.incrementAndGet();
    }

    /** Messages refused on this listener since start (garbage, oversized, flood, wrong state). */
    long refusedTotal() {
        return refusedTotal.get();
    }

    @Override
    public void relayStreamEvent(String streamName, String sourceMediaSessionId, String type, Object payload) {
        publish(Addresses.STREAM_EVENTS, new JsonObject().put("event", "data").put("nodeId", nodeId)
                .put("name", streamName).put("sourceMediaSessionId", sourceMediaSessionId).put("type", type)
                .put("payload", payload).put("timestamp", System.currentTimeMillis()));
    }

    /** Stream events from any node: a "data" event goes to this node's sessions that publish or play the stream. */
    private void onStreamEvent(JsonObject e) {
        if (e == null || !"data".equals(e.getString("event")) || !(e.getValue("name") instanceof String name)) {
            return;
        }
        String source = e.getString("sourceMediaSessionId");
        String type = e.getString("type", "data");
        for (WcsConnection c : sessions.values()) {
            for (WcsMediaSession s : c.mediaSessions()) {
                if (s.name().equals(name) && !s.mediaSessionId().equals(source)) {
                    c.run(() -> c.streamEvent(s, type, e.getValue("payload")));
                }
            }
        }
    }

    // ---- REST methods --------------------------------------------------------------------------

    private void dataSend(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        String target = b.string("nodeId");
        if (target == null || target.equals(nodeId)) {
            dataSendHere(m, b);
            return;
        }
        // another node's session: that node's verticle answers (clustered bus); nobody there -> 404
        vertx.eventBus().<Object>request(NODE_DATA_PREFIX + target, q, new DeliveryOptions().setSendTimeout(5000))
                .onSuccess(r -> m.reply(r.body()))
                .onFailure(e -> {
                    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                        m.fail(re.failureCode(), re.getMessage());
                    } else if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                        m.fail(ApiStatus.NOT_FOUND, "No such node: " + target);
                    } else {
                        m.fail(ApiStatus.INTERNAL, "Node " + target + " did not answer: " + e.getMessage());
                    }
                });
    }

    private void dataSendHere(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        String sessionId = b.string("sessionId");
        if (sessionId == null) {
            m.fail(ApiStatus.BAD_REQUEST, "Missing required field 'sessionId'");
            return;
        }
        WcsConnection c = sessions.get(sessionId);
        if (c == null) {
            m.fail(ApiStatus.NOT_FOUND, "No such WebSocket session: " + sessionId);
            return;
        }
        Object op = q.getValue("operationId");
        Object payload = q.getValue("payload");
        c.run(() -> c.dataEvent(op == null ? null : String.valueOf(op), payload));
        m.reply(null);
    }

    private void streamEventSend(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        String name = b.string("streamName");
        String msid = b.string("mediaSessionId");
        if (name == null && msid == null) {
            m.fail(ApiStatus.BAD_REQUEST, "Give streamName or mediaSessionId");
            return;
        }
        if (!q.containsKey("payload")) {
            m.fail(ApiStatus.BAD_REQUEST, "Missing required field 'payload'");
            return;
        }
        String resolved = name != null ? (streamKnown(name) ? name : null) : streamOfMediaSession(msid);
        if (resolved == null) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + (name != null ? name : msid));
            return;
        }
        relayStreamEvent(resolved, null, "data", q.getValue("payload"));
        m.reply(null);
    }

    private boolean streamKnown(String name) {
        if (streams.find(name).isPresent()) {
            return true;
        }
        return sessions.values().stream().anyMatch(c -> c.mediaSessions().stream().anyMatch(s -> s.name().equals(name)));
    }

    private String streamOfMediaSession(String msid) {
        var s = streams.findByMediaSessionId(msid);
        if (s.isPresent()) {
            return s.get().name();
        }
        var r = streams.findReader(msid);
        if (r.isPresent()) {
            return r.get().stream().name();
        }
        for (WcsConnection c : sessions.values()) {
            for (WcsMediaSession ms : c.mediaSessions()) {
                if (ms.mediaSessionId().equals(msid)) {
                    return ms.name();
                }
            }
        }
        return null;
    }

    private void clientLog(Message<JsonObject> m, Body b, boolean enable) {
        String sessionId = b.string("sessionId");
        WcsConnection c = sessionId == null ? null : sessions.get(sessionId);
        if (c == null) {
            m.fail(ApiStatus.NOT_FOUND, "Session not found: " + sessionId);
            return;
        }
        if (enable) {
            String levelName = b.string("logLevel");
            var level = levelName == null ? java.util.Optional.of(ClientLogLevel.INFO) : ClientLogLevel.parse(levelName);
            if (level.isEmpty()) {
                m.fail(ApiStatus.BAD_REQUEST, "Field 'logLevel' must be one of TRACE, DEBUG, INFO, WARN, ERROR");
                return;
            }
            c.run(() -> c.enableClientLog(level.get()));
        } else {
            c.run(c::disableClientLog);
        }
        m.reply(null);
    }
}
