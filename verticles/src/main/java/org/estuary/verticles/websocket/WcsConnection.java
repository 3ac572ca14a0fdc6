package org.estuary.verticles.websocket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import org.estuary.core.control.Addresses;
import org.estuary.core.session.AdmissionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WCS WebSocket session: owns the socket, assembles messages within the size limit, answers
 * each client message, pings the client and closes the session when it stops answering. Runs on
 * the verticle's event loop only.
 */
final class WcsConnection {
    private static final Logger LOG = LoggerFactory.getLogger(WcsConnection.class);
    /** Client log lines land in the server log under this logger, with the session id. */
    private static final Logger CLIENT_LOG = LoggerFactory.getLogger("estuary.clientlog");
    /** The media providers this server speaks; the others a client offers are left out of getUserData. */
    static final List<String> SUPPORTED_PROVIDERS = List.of("WebRTC");

    enum State { NEW, CONNECTING, ESTABLISHED, CLOSED }

    private final ServerWebSocket ws;
    private final WcsHub hub;
    private final String sessionId;
    private final long createdAt = System.currentTimeMillis();
    /** Read by the API verticle's REST handlers too (stream subscribers), hence concurrent. */
    private final Map<String, WcsMediaSession> media = new ConcurrentHashMap<>();
    /** The WCS SFU SDK room this session joined (joinRoom), made at its first room message. */
    private SfuSdkRoom sdkRoom;
    private io.vertx.core.Context context;
    private State state = State.NEW;
    private String appKey = "";
    private String clientVersion = "";
    private JsonObject attributes = new JsonObject();
    private ClientLogLevel clientLog;
    private long keepAliveTimer = -1;
    private int unansweredPings;
    // message assembly (a message may come in several frames)
    private Buffer partial;
    private boolean partialBinary;
    private boolean discarding;
    // flood window
    private long windowStartMs;
    private int windowCount;
    private long refusedCount;

    WcsConnection(ServerWebSocket ws, WcsHub hub) {
        this.ws = ws;
        this.hub = hub;
        this.sessionId = "/" + hostPort(ws.remoteAddress()) + "/" + hostPort(ws.localAddress());
    }

    private static String hostPort(io.vertx.core.net.SocketAddress a) {
        return a == null ? "?" : a.hostAddress() + ":" + a.port();
    }

    String sessionId() { return sessionId; }
    String appKey() { return appKey; }
    String clientVersion() { return clientVersion; }
    long createdAt() { return createdAt; }
    State state() { return state; }
    long refusedCount() { return refusedCount; }
    Collection<WcsMediaSession> mediaSessions() { return new ArrayList<>(media.values()); }

    /** Client-sent fields shown by /connection/find (custom, mediaProviders, client versions). */
    Map<String, Object> attributes() {
        return attributes.getMap();
    }

    /** The WCS SFU SDK's room signalling on this session, made at its first room message. */
    private SfuSdkRoom sfuSdkRoom() {
        if (sdkRoom == null) {
            sdkRoom = new SfuSdkRoom(hub.media(), this::send, this::run, () -> new WcsMedia.Owner(sessionId, appKey,
                    ws.remoteAddress() == null ? "" : ws.remoteAddress().hostAddress(), customParams(attributes.getValue("custom"))));
        }
        return sdkRoom;
    }

    /** Runs {@code r} on this session's event loop (for callers on other threads). */
    void run(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    void start() {
        context = hub.vertx().getOrCreateContext();
        ws.frameHandler(this::onFrame);
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(e -> LOG.debug("WebSocket {} error: {}", sessionId, e.toString()));
        long interval = hub.settings().keepAliveIntervalMs();
        keepAliveTimer = hub.vertx().setPeriodic(interval, id -> keepAlive());
        LOG.info("WebSocket session opened: sessionId={}", sessionId);
    }

    /** One keepalive tick: close a session that left too many pings unanswered, else ping it. */
    private void keepAlive() {
        if (state == State.CLOSED) {
            return;
        }
        if (unansweredPings >= hub.settings().keepAliveProbes()) {
            LOG.info("WebSocket session {} missed {} pings: closing it", sessionId, unansweredPings);
            close((short) 1001, "Keepalive timeout");
            return;
        }
        unansweredPings++;
        send(WcsFrame.of("ping", (Object) null));
    }

    // ---- inbound ------------------------------------------------------------------------------

    private void onFrame(WebSocketFrame f) {
        if (state == State.CLOSED || !(f.isText() || f.isBinary() || f.isContinuation())) {
            return; // control frames are answered by Vert.x
        }
        if (!f.isContinuation()) {
            partial = Buffer.buffer();
            partialBinary = f.isBinary();
            discarding = false;
        } else if (partial == null) {
            return; // a continuation without a start: nothing to add it to
        }
        if (!discarding) {
            if (partial.length() + f.binaryData().length() > hub.settings().maxMessageBytes()) {
                discarding = true;
                partial = Buffer.buffer();
            } else {
                partial.appendBuffer(f.binaryData());
            }
        }
        if (!f.isFinal()) {
            return;
        }
        Buffer whole = partial;
        boolean binary = partialBinary;
        boolean tooLarge = discarding;
        partial = null;
        discarding = false;
        if (!admitRate()) {
            return;
        }
        unansweredPings = 0; // any message shows the client is alive
        if (tooLarge) {
            refuse("unknown", "Message larger than " + hub.settings().maxMessageBytes() + " bytes");
            return;
        }
        if (binary) {
            refuse("unknown", "Binary messages are not supported");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(whole.getBytes())).toString();
        } catch (CharacterCodingException e) {
            refuse("unknown", "Message is not valid UTF-8");
            return;
        }
        WcsFrame.Decoded d = WcsFrame.decode(text);
        if (d instanceof WcsFrame.Ok ok) {
            dispatch(ok.frame());
        } else if (d instanceof WcsFrame.Bad bad) {
            refuse("unknown", bad.reason());
        }
    }

    /** Flood guard: more than maxMessagesPerSecond messages in one second closes the session. */
    private boolean admitRate() {
        long now = System.currentTimeMillis();
        if (now - windowStartMs >= 1000) {
            windowStartMs = now;
            windowCount = 0;
        }
        if (++windowCount > hub.settings().maxMessagesPerSecond()) {
            hub.refused(this, "flood");
            refusedCount++;
            LOG.warn("WebSocket session {} sent more than {} messages in a second: closing it", sessionId,
                    hub.settings().maxMessagesPerSecond());
            sendFail("unknown", null, "Too many messages (more than " + hub.settings().maxMessagesPerSecond()
                    + " per second); session closed");
            close((short) 1008, "Message flood");
            return false;
        }
        return true;
    }

    private void dispatch(WcsFrame m) {
        String name = m.message();
        if (state != State.ESTABLISHED && !name.equals("connection") && !name.equals("ping") && !name.equals("pong")) {
            refuse(name, state == State.CONNECTING ? "'connection' is being checked; wait for getUserData"
                    : "Send 'connection' first");
            return;
        }
        switch (name) {
            case "connection" -> onConnection(m);
            case "ping" -> send(WcsFrame.of("pong", (Object) null));
            case "pong" -> { } // counted as alive above
            case "sendData" -> onSendData(m);
            case "pushLogs" -> onPushLogs(m);
            case "sessionDebug" -> onSessionDebug(m);
            case "publishStream" -> onPublishOrPlay(m, true);
            case "playStream" -> onPublishOrPlay(m, false);
            case "unPublishStream", "stopStream" -> onStop(m);
            case "sendStreamEvent" -> onSendStreamEvent(m);
            case "availableStream" -> onAvailableStream(m);
            default -> {
                if (SfuSdkRoom.MESSAGES.contains(name) && m.hasArgs()) {
                    sfuSdkRoom().handle(name, m.args());
                } else {
                    refuse(name, "Unknown or unsupported message '" + name + "'");
                }
            }
        }
    }

    private void onConnection(WcsFrame m) {
        if (state != State.NEW) {
            refuse("connection", "Session is already established (or being checked)");
            return;
        }
        if (!m.hasArgs()) {
            refuse("connection", "'connection' needs an object in data[0]");
            return;
        }
        JsonObject a = m.args();
        Object key = a.getValue("appKey");
        Object providers = a.getValue("mediaProviders");
        Object custom = a.getValue("custom");
        Object version = a.getValue("clientVersion");
        if (key != null && !(key instanceof String)) {
            refuse("connection", "Field 'appKey' must be a string");
            return;
        }
        if (providers != null && !(providers instanceof JsonArray)) {
            refuse("connection", "Field 'mediaProviders' must be an array of strings");
            return;
        }
        if (custom != null && !(custom instanceof JsonObject)) {
            refuse("connection", "Field 'custom' must be an object");
            return;
        }
        if (version != null && !(version instanceof String)) {
            refuse("connection", "Field 'clientVersion' must be a string");
            return;
        }
        appKey = key == null || ((String) key).isBlank() ? "defaultApp" : (String) key;
        clientVersion = version == null ? "" : (String) version;
        JsonArray offered = providers == null ? new JsonArray() : (JsonArray) providers;
        attributes = new JsonObject()
                .put("custom", custom == null ? new JsonObject() : custom)
                .put("mediaProviders", offered)
                .put("clientOSVersion", a.getValue("clientOSVersion") instanceof String s ? s : "")
                .put("clientBrowserVersion", a.getValue("clientBrowserVersion") instanceof String s ? s : "");
        state = State.CONNECTING;
        Map<String, String> params = customParams(custom);
        String clientIp = ws.remoteAddress() == null ? "" : ws.remoteAddress().hostAddress();
        AdmissionRequest ask = new AdmissionRequest(AdmissionRequest.Action.CONNECT, "WebSocket", appKey, "", clientIp, params);
        hub.admission().check(ask).whenComplete((d, e) -> run(() -> {
            if (state != State.CONNECTING) {
                return; // closed meanwhile
            }
            if (e != null || d == null || !d.allowed()) {
                String why = e != null ? "admission check failed: " + e.getMessage() : d == null ? "refused" : d.reason();
                LOG.info("WebSocket session {} refused at connection: {}", sessionId, why);
                sendFail("connection", null, "Connection refused: " + why);
                close((short) 1008, "Connection refused");
                return;
            }
            established(a, offered);
        }));
    }

    /** A client's {@code custom} object as admission params (values as strings). */
    private static Map<String, String> customParams(Object custom) {
        Map<String, String> params = new LinkedHashMap<>();
        if (custom instanceof JsonObject o) {
            o.forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return params;
    }

    private void established(JsonObject a, JsonArray offered) {
        JsonArray accepted = new JsonArray();
        for (Object p : offered) {
            if (p instanceof String s && SUPPORTED_PROVIDERS.contains(s) && !accepted.contains(s)) {
                accepted.add(s);
            }
        }
        state = State.ESTABLISHED;
        hub.established(this);
        JsonObject userData = a.copy()
                .put("appKey", appKey)
                .put("sessionId", sessionId)
                .put("authToken", sessionId)
                .put("nodeId", hub.nodeId())
                .put("status", "ESTABLISHED")
                .put("mediaProviders", accepted)
                .put("useWsTunnel", false)
                .put("useWsTunnelPacketization2", false)
                .put("useBase64BinaryEncoding", false);
        send(WcsFrame.of("getUserData", userData));
        LOG.info("WebSocket session established: sessionId={} appKey={} clientVersion={} mediaProviders={}",
                sessionId, appKey, clientVersion, accepted);
    }

    private void onSendData(WcsFrame m) {
        JsonObject a = m.args();
        Object op = a.getValue("operationId");
        String operationId = op == null ? null : String.valueOf(op);
        if (!m.hasArgs() || operationId == null) {
            refuse("sendData", "'sendData' needs data[0] = {operationId, payload}");
            return;
        }
        if (!a.containsKey("payload")) {
            send(WcsFrame.of("DataStatusEvent", new JsonObject().put("operationId", operationId)
                    .put("status", "FAILED").put("info", "Field 'payload' is missing")));
            return;
        }
        hub.publish(Addresses.CLIENT_DATA, new JsonObject()
                .put("nodeId", hub.nodeId()).put("appKey", appKey).put("sessionId", sessionId)
                .put("operationId", operationId).put("payload", a.getValue("payload")));
        send(WcsFrame.of("DataStatusEvent", new JsonObject().put("operationId", operationId).put("status", "ACCEPTED")));
    }

    private void onPushLogs(WcsFrame m) {
        if (clientLog == null) {
            return; // forwarding is off for this session (/logger/enable_client_log turns it on)
        }
        Object logs = m.args().getValue("logs");
        if (!(logs instanceof String text)) {
            refuse("pushLogs", "'pushLogs' needs data[0] = {logs: string}");
            return;
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank() && clientLog.admits(ClientLogLevel.ofLine(line))) {
                CLIENT_LOG.info("client {} {}", sessionId, line.strip());
            }
        }
    }

    /** The SDK's startDebug/stopDebug: the client asks to forward its own log. */
    private void onSessionDebug(WcsFrame m) {
        String command = m.args().getString("command", "");
        switch (command) {
            case "start" -> enableClientLog(ClientLogLevel.DEBUG);
            case "stop" -> disableClientLog();
            default -> {
                refuse("sessionDebug", "'sessionDebug' command must be start or stop");
                return;
            }
        }
        send(WcsFrame.of("notifySessionDebugEvent", new JsonObject()
                .put("status", command.equals("start") ? "STARTED" : "STOPPED")));
    }

    void enableClientLog(ClientLogLevel level) {
        clientLog = level;
        LOG.info("Client log forwarding on for session {} at level {}", sessionId, level);
    }

    void disableClientLog() {
        clientLog = null;
        LOG.info("Client log forwarding off for session {}", sessionId);
    }

    boolean clientLogEnabled() {
        return clientLog != null;
    }

    private void onAvailableStream(WcsFrame m) {
        JsonObject a = m.args();
        String name = a.getValue("name") instanceof String s ? s : null;
        String id = a.getValue("mediaSessionId") instanceof String s ? s : "";
        if (name == null) {
            refuse("availableStream", "'availableStream' needs data[0].name");
            return;
        }
        boolean there = hub.streamExists(name);
        send(WcsFrame.of("availableStream", new JsonObject().put("id", id).put("status", String.valueOf(there))
                .put("info", there ? "Available" : "Stream not found")));
    }

    // ---- publish / play ------------------------------------------------------------------------

    private void onPublishOrPlay(WcsFrame m, boolean publish) {
        String what = publish ? "publishStream" : "playStream";
        JsonObject a = m.args();
        String id = a.getValue("mediaSessionId") instanceof String s && !s.isBlank() ? s : null;
        String name = a.getValue("name") instanceof String s && !s.isBlank() ? s : null;
        String sdp = a.getValue("sdp") instanceof String s && !s.isBlank() ? s : null;
        if (id == null || name == null) {
            refuse(what, "'" + what + "' needs data[0] with mediaSessionId and name (non-empty strings)");
            return;
        }
        WcsMediaSession s = new WcsMediaSession(id, name, publish);
        if (media.containsKey(id)) {
            streamStatus(s, "FAILED", "mediaSessionId " + id + " is already in use in this session");
            return;
        }
        if (sdp == null) {
            streamStatus(s, "FAILED", "Field 'sdp' (the SDP offer) is missing");
            return;
        }
        media.put(id, s);
        streamStatus(s, "PENDING", null);
        // the engine calls back on its own threads: every callback hops onto this session's loop
        boolean[] answered = {false};
        boolean[] startedEarly = {false};
        Map<String, String> params = customParams(attributes.getValue("custom"));
        params.putAll(customParams(a.getValue("custom")));
        String clientIp = ws.remoteAddress() == null ? "" : ws.remoteAddress().hostAddress();
        hub.media().start(s, new WcsMedia.Owner(sessionId, appKey, clientIp, params), sdp, a, new WcsMedia.Listener() {
            @Override
            public void started() {
                run(() -> {
                    if (media.get(id) != s) {
                        return;
                    }
                    if (answered[0]) {
                        streamStatus(s, publish ? "PUBLISHING" : "PLAYING", null);
                    } else {
                        startedEarly[0] = true; // told after setRemoteSDP, the order clients expect
                    }
                });
            }

            @Override
            public void event(String type, Object payload) {
                run(() -> {
                    if (media.get(id) == s) {
                        streamEvent(s, type, payload);
                    }
                });
            }

            @Override
            public void ended(boolean failed, String info) {
                run(() -> {
                    if (media.remove(id, s)) {
                        streamStatus(s, failed ? "FAILED" : (publish ? "UNPUBLISHED" : "STOPPED"), info);
                    }
                });
            }
        }).onComplete(ar -> run(() -> {
            if (ar.succeeded() && media.get(id) == s && state == State.ESTABLISHED) {
                answered[0] = true;
                send(WcsFrame.of("setRemoteSDP", id, ar.result()));
                if (startedEarly[0]) {
                    streamStatus(s, publish ? "PUBLISHING" : "PLAYING", null);
                }
            } else if (ar.failed() && media.remove(id, s)) {
                streamStatus(s, "FAILED", ar.cause().getMessage());
            }
        }));
    }

    private void onStop(WcsFrame m) {
        String id = m.args().getValue("mediaSessionId") instanceof String s ? s : null;
        WcsMediaSession s = id == null ? null : media.remove(id);
        if (s == null) {
            refuse(m.message(), "No stream with mediaSessionId " + id + " in this session");
            return;
        }
        hub.media().stop(s);
        streamStatus(s, s.published() ? "UNPUBLISHED" : "STOPPED", "Stopped by client");
    }

    private void onSendStreamEvent(WcsFrame m) {
        JsonObject a = m.args();
        String id = a.getValue("mediaSessionId") instanceof String s ? s : null;
        WcsMediaSession s = id == null ? null : media.get(id);
        if (s == null) {
            refuse("sendStreamEvent", "No stream with mediaSessionId " + id + " in this session");
            return;
        }
        String type = a.getValue("type") instanceof String t && !t.isBlank() ? t : "data";
        hub.relayStreamEvent(s.name(), id, type, a.getValue("payload"));
    }

    /** Delivers a stream event to this session's media session {@code s}. */
    void streamEvent(WcsMediaSession s, String type, Object payload) {
        send(WcsFrame.of("notifyStreamEvent", new JsonObject().put("mediaSessionId", s.mediaSessionId())
                .put("name", s.name()).put("type", type).put("payload", payload)));
    }

    /** Delivers a REST /data/send payload. */
    void dataEvent(String operationId, Object payload) {
        JsonObject o = new JsonObject().put("nodeId", hub.nodeId()).put("sessionId", sessionId).put("payload", payload);
        if (operationId != null) {
            o.put("operationId", operationId);
        }
        send(WcsFrame.of("OnDataEvent", o));
    }

    private void streamStatus(WcsMediaSession s, String status, String info) {
        JsonObject o = new JsonObject().put("mediaSessionId", s.mediaSessionId()).put("name", s.name())
                .put("published", s.published()).put("status", status).put("appKey", appKey)
                .put("sessionId", sessionId).put("nodeId", hub.nodeId());
        if (info != null) {
            o.put("info", info);
        }
        send(WcsFrame.of("notifyStreamStatusEvent", o));
        LOG.info("WebSocket stream {}: name={} mediaSessionId={} sessionId={}{}", status, s.name(), s.mediaSessionId(),
                sessionId, info == null ? "" : " info=" + info);
    }

    // ---- outbound and closing ------------------------------------------------------------------

    private void refuse(String apiMethod, String reason) {
        refusedCount++;
        hub.refused(this, reason);
        LOG.info("WebSocket session {}: refused {}: {}", sessionId, apiMethod, reason);
        sendFail(apiMethod, null, reason);
    }

    private void sendFail(String apiMethod, String id, String info) {
        JsonObject o = new JsonObject().put("apiMethod", apiMethod).put("info", info);
        if (id != null) {
            o.put("id", id);
        }
        send(WcsFrame.of("fail", o));
    }

    void send(WcsFrame f) {
        if (state == State.CLOSED || ws.isClosed()) {
            return;
        }
        if (ws.writeQueueFull()) {
            // a client that does not read: drop rather than buffer without bound
            refusedCount++;
            LOG.debug("WebSocket session {} is not reading; dropped {}", sessionId, f.message());
            return;
        }
        ws.writeTextMessage(f.encode());
    }

    /** Closes the session (REST terminate, keepalive, flood, server stop). Safe to call twice. */
    void close(short code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        if (!ws.isClosed()) {
            ws.close(code, reason);
        }
        onClosed();
    }

    private void onClosed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (keepAliveTimer >= 0) {
            hub.vertx().cancelTimer(keepAliveTimer);
        }
        for (WcsMediaSession s : new ArrayList<>(media.values())) {
            hub.media().stop(s);
        }
        media.clear();
        if (sdkRoom != null) {
            sdkRoom.close();
        }
        hub.closed(this);
        LOG.info("WebSocket session closed: sessionId={} appKey={} refusedMessages={}", sessionId, appKey, refusedCount);
    }
}
