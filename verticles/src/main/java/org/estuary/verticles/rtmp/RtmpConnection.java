package org.estuary.verticles.rtmp;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.estuary.core.amf.AmfException;
import org.estuary.core.limits.Limits;
import org.estuary.core.limits.Refusal;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.Handshake;
import org.estuary.core.rtmp.HandshakeServer;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.QueryParams;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpControl;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.RtmpProtocolException;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.rtmp.UserControlEvent;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionDecision;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.session.ClientConnection;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.session.RtmpMetrics;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP client connection: owns the socket, the handshake, the chunk decoder and the message
 * streams it created (each publishing or playing). Runs entirely on its event loop.
 */
final class RtmpConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);

    enum State { HANDSHAKE, HANDSHAKEN, CONNECTING, CONNECTED, CLOSED }

    private final Vertx vertx;
    private final Context context;
    private final NetSocket socket;
    private final RtmpSettings settings;
    private final StreamRegistry streams;
    private final ConnectionRegistry connections;
    private final RtmpMetrics metrics;
    private final DrainScheduler drains;
    private final String sessionId;
    /** Dropped once done: its 3 kB of C0-C2 would otherwise stay with every connection. */
    private HandshakeServer handshake = new HandshakeServer();
    private final ChunkDecoder decoder;
    private final Map<Integer, RtmpMessageStream> messageStreams = new HashMap<>();
    private final Admission admission;
    /** Messages that arrived while an admission check was pending, replayed in order once it answers. */
    private ArrayDeque<RtmpMessage> held;
    private Map<String, String> connectParams = Map.of();

    private State state = State.HANDSHAKE;
    private boolean failure;
    private String appKey = "";
    private String tcUrl = "";
    private String flashVer = "";
    private int nextStreamId = 1;
    private long peerAckWindow = 0;
    private long lastAckSent = 0;
    private long lastInboundAt = System.currentTimeMillis();
    private long timerId = -1;
    private final long createdAt = System.currentTimeMillis();
    private Limits limits = Limits.none();
    /** This connection's place within the connection limits; null when it was refused one. */
    private Limits.Permit permit;
    /** Why this connection may not connect (a limit), or null. */
    private Refusal refusal;

    RtmpConnection(Vertx vertx, NetSocket socket, RtmpSettings settings, StreamRegistry streams,
                   ConnectionRegistry connections, RtmpMetrics metrics, DrainScheduler drains, Admission admission) {
        this.drains = drains;
        this.admission = admission;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.socket = socket;
        this.settings = settings;
        this.streams = streams;
        this.connections = connections;
        this.metrics = metrics;
        this.decoder = new ChunkDecoder(settings.maxMessageBytes());
        this.sessionId = "/" + socket.remoteAddress().hostAddress() + ":" + socket.remoteAddress().port()
                + "/" + socket.localAddress().hostAddress() + ":" + socket.localAddress().port();
    }

    String sessionId() { return sessionId; }
    String appKey() { return appKey; }
    Context context() { return context; }
    NetSocket socket() { return socket; }
    RtmpSettings settings() { return settings; }
    StreamRegistry streams() { return streams; }
    RtmpMetrics metrics() { return metrics; }
    DrainScheduler drains() { return drains; }
    String clientAddress() { return socket.remoteAddress().hostAddress(); }
    Map<String, String> connectParams() { return connectParams; }

    /**
     * Asks the admission point, holding every later message of this connection until it answers
     * (so a client that does not wait for the publish/connect result cannot slip media or commands
     * past the check), then runs {@code then} on this event loop with the decision.
     */
    void admit(AdmissionRequest request, Consumer<AdmissionDecision> then) {
        held = new ArrayDeque<>();
        socket.pause();
        admission.check(request).whenComplete((d, e) -> context.runOnContext(v -> {
            if (state == State.CLOSED) {
                return;
            }
            AdmissionDecision decision = e != null ? AdmissionDecision.deny("admission check failed: " + e) : d;
            if (!decision.allowed()) {
                LOG.info("RTMP {} {} {} refused: {}", sessionId, request.action(), request.streamName(), decision.reason());
            }
            ArrayDeque<RtmpMessage> queue = held;
            held = null;
            then.accept(decision);
            if (state == State.CLOSED) {
                return;
            }
            socket.resume();
            while (!queue.isEmpty() && held == null && state != State.CLOSED) {
                onMessage(queue.poll());
            }
            if (held != null) {
                held.addAll(queue); // another check started during the replay: keep the rest in order behind it
            }
        }));
    }

    /** The limits this connection counts against and its place in them (or the refusal); before {@link #start()}. */
    RtmpConnection limits(Limits limits, Limits.Result<Limits.Permit> place) {
        this.limits = limits;
        this.permit = place.value();
        this.refusal = place.refusal();
        return this;
    }

    void start() {
        metrics.connectionOpened();
        socket.handler(this::onData);
        socket.closeHandler(v -> cleanup("connection closed"));
        socket.exceptionHandler(e -> {
            LOG.debug("RTMP {} socket error: {}", sessionId, e.toString());
            fail("socket error: " + e.getMessage());
        });
        // One periodic check covers the handshake deadline, idle connections and ack windows.
        timerId = vertx.setPeriodic(1000, id -> checkTimers());
        connections.add(new ClientConnection(sessionId, appKey, "RTMP", flashVer, createdAt, this::closeFromAnyThread));
    }

    private void checkTimers() {
        long now = System.currentTimeMillis();
        // Safety net: resume players whose drain signal was missed while the socket was full.
        // A copy: resuming flushes, and a flush that finds the peer gone closes this connection,
        // which empties messageStreams under the loop (a ConcurrentModificationException per
        // second was seen with 1,000 players leaving at once).
        for (RtmpMessageStream stream : List.copyOf(messageStreams.values())) {
            if (state == State.CLOSED) {
                return;
            }
            stream.resumeIfStalled();
        }
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.HANDSHAKE && now - createdAt > settings.handshakeTimeoutMs()) {
            close("handshake timeout");
        } else if (messageStreams.values().stream().noneMatch(RtmpMessageStream::isActive)
                && now - lastInboundAt > settings.idleTimeoutMs()) {
            close("idle for " + settings.idleTimeoutMs() + " ms");
        }
    }

    private void onData(Buffer buf) {
        if (state == State.CLOSED) {
            return;
        }
        lastInboundAt = System.currentTimeMillis();
        metrics.bytesIn(buf.length());
        byte[] bytes = buf.getBytes();
        try {
            if (state == State.HANDSHAKE) {
                Handshake.Result r = handshake.feed(bytes);
                if (r.failed()) {
                    LOG.info("RTMP {} handshake failed: {}", sessionId, r.failure());
                    close("handshake failed: " + r.failure());
                    return;
                }
                if (r.toSend().length > 0) {
                    socket.write(Buffer.buffer(r.toSend()));
                }
                if (!r.done()) {
                    return;
                }
                state = State.HANDSHAKEN;
                handshake = null;
                bytes = r.leftover();
                if (bytes.length == 0) {
                    return;
                }
            }
            PublishPass pass = PublishPass.begin();
            try {
                decoder.feed(bytes, 0, bytes.length, this::onMessage);
            } finally {
                pass.end();
            }
            maybeAck();
        } catch (RtmpProtocolException e) {
            LOG.info("RTMP {} protocol error, closing: {}", sessionId, e.getMessage());
            fail("protocol error: " + e.getMessage());
        } catch (RuntimeException e) {
            // Never let a bad peer take the event loop down with it.
            LOG.warn("RTMP {} unexpected error, closing", sessionId, e);
            fail("internal error: " + e);
        }
    }

    private void maybeAck() {
        if (peerAckWindow > 0 && decoder.bytesReceived() - lastAckSent >= peerAckWindow) {
            lastAckSent = decoder.bytesReceived();
            send(RtmpControl.ack(lastAckSent & 0xFFFFFFFFL));
        }
    }

    private void onMessage(RtmpMessage m) {
        if (state == State.CLOSED) {
            return;
        }
        if (held != null) {
            held.add(m);
            return;
        }
        switch (m.typeId()) {
            case MessageType.SET_CHUNK_SIZE, MessageType.ABORT, MessageType.ACK, MessageType.SET_PEER_BANDWIDTH -> { }
            case MessageType.WINDOW_ACK_SIZE -> peerAckWindow = parseUint32(m);
            case MessageType.USER_CONTROL -> onUserControl(m);
            case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> onCommand(m);
            case MessageType.AUDIO, MessageType.VIDEO, MessageType.DATA_AMF0, MessageType.DATA_AMF3,
                 MessageType.AGGREGATE -> {
                RtmpMessageStream ms = messageStreams.get(m.messageStreamId());
                if (ms != null) {
                    ms.onMedia(m);
                }
            }
            default -> LOG.debug("RTMP {} ignoring message type {}", sessionId, m.typeId());
        }
    }

    private long parseUint32(RtmpMessage m) {
        try {
            return RtmpControl.parseUint32(m.payload());
        } catch (RtmpProtocolException e) {
            return 0;
        }
    }

    private void onUserControl(RtmpMessage m) {
        try {
            UserControlEvent e = RtmpControl.parseUserControl(m.payload());
            if (e.eventType() == RtmpControl.EVENT_PING_REQUEST) {
                send(RtmpControl.pingResponse(e.value()));
            }
        } catch (RtmpProtocolException e) {
            LOG.debug("RTMP {} bad user control message: {}", sessionId, e.getMessage());
        }
    }

    private void onCommand(RtmpMessage m) {
        byte[] payload = m.payload();
        if (m.typeId() == MessageType.COMMAND_AMF3 && payload.length > 0) {
            // AMF3 command messages start with a format byte, then AMF0 values.
            payload = java.util.Arrays.copyOfRange(payload, 1, payload.length);
        }
        RtmpCommand cmd;
        try {
            cmd = RtmpCommand.parse(payload);
        } catch (AmfException e) {
            LOG.info("RTMP {} malformed command, closing: {}", sessionId, e.getMessage());
            fail("malformed command");
            return;
        }
        LOG.debug("RTMP {} command {} tx={} args={}", sessionId, cmd.name(), cmd.transactionId(), cmd.args());
        switch (cmd.name()) {
            case "connect" -> onConnect(cmd);
            case "createStream" -> onCreateStream(cmd);
            case "releaseStream", "FCPublish", "FCUnpublish", "getStreamLength", "FCSubscribe", "checkBandwidth",
                 "_checkbw" -> {
                if ("FCUnpublish".equals(cmd.name())) {
                    messageStreams.values().forEach(ms -> ms.unpublishIfNamed(cmd.stringArg(0)));
                }
                if (cmd.transactionId() != 0) {
                    send(RtmpCommand.result(cmd.transactionId(), (Object) null).toMessage(RtmpCommand.COMMAND_CSID, 0));
                }
            }
            case "deleteStream" -> {
                Object id = cmd.args().isEmpty() ? null : cmd.args().get(0);
                int sid = id instanceof Number n ? n.intValue() : m.messageStreamId();
                RtmpMessageStream ms = messageStreams.remove(sid);
                if (ms != null) {
                    ms.close("Unpublished", false);
                }
            }
            case "closeStream" -> {
                RtmpMessageStream ms = messageStreams.get(m.messageStreamId());
                if (ms != null) {
                    ms.close("Stopped by client", false);
                }
            }
            case "publish", "play", "play2", "pause", "seek", "receiveAudio", "receiveVideo" -> {
                if (state != State.CONNECTED) {
                    close(cmd.name() + " before connect");
                    return;
                }
                RtmpMessageStream ms = messageStreams.get(m.messageStreamId());
                if (ms == null) {
                    // Some clients skip createStream for stream id 1; be lenient.
                    ms = new RtmpMessageStream(this, m.messageStreamId());
                    messageStreams.put(m.messageStreamId(), ms);
                }
                ms.onCommand(cmd);
            }
            default -> {
                if (cmd.transactionId() != 0) {
                    send(RtmpCommand.error(cmd.transactionId(), "NetConnection.Call.Failed",
                            "Method not found: " + cmd.name()).toMessage(RtmpCommand.COMMAND_CSID, 0));
                }
            }
        }
    }

    private void onConnect(RtmpCommand cmd) {
        if (state != State.HANDSHAKEN) {
            close("connect received twice");
            return;
        }
        Object app = cmd.property("app");
        Object tc = cmd.property("tcUrl");
        Object fv = cmd.property("flashVer");
        appKey = app == null ? "" : stripQuery(String.valueOf(app));
        tcUrl = tc == null ? "" : String.valueOf(tc);
        flashVer = fv == null ? "" : String.valueOf(fv);
        // query parameters given on the app or the tcUrl (rtmp://host/live?token=...) count for the whole connection
        Map<String, String> params = new HashMap<>(QueryParams.parse(queryOf(tcUrl)));
        params.putAll(QueryParams.parse(queryOf(app == null ? "" : String.valueOf(app))));
        connectParams = Map.copyOf(params);
        if (refusal != null) {
            LOG.info("RTMP {} connect refused: {}", sessionId, refusal.message());
            send(RtmpCommand.error(cmd.transactionId(), StatusCode.CONNECT_REJECTED, refusal.message())
                    .toMessage(RtmpCommand.COMMAND_CSID, 0));
            close("connect refused: " + refusal.message());
            return;
        }
        state = State.CONNECTING;
        admit(new AdmissionRequest(AdmissionRequest.Action.CONNECT, "RTMP", appKey, "", clientAddress(), connectParams),
                d -> {
                    if (d.allowed()) {
                        accepted(cmd);
                    } else {
                        send(RtmpCommand.error(cmd.transactionId(), StatusCode.CONNECT_REJECTED, d.reason())
                                .toMessage(RtmpCommand.COMMAND_CSID, 0));
                        close("connect refused: " + d.reason());
                    }
                });
    }

    private static String queryOf(String s) {
        int q = s.indexOf('?');
        return q < 0 ? "" : s.substring(q + 1);
    }

    private void accepted(RtmpCommand cmd) {
        state = State.CONNECTED;
        connections.update(new ClientConnection(sessionId, appKey, "RTMP", flashVer, createdAt, this::closeFromAnyThread));
        LOG.info("RTMP {} connected app={} tcUrl={} client={}", sessionId, appKey, tcUrl, flashVer);
        send(RtmpControl.windowAckSize(settings.windowAckSize()));
        send(RtmpControl.setPeerBandwidth(settings.windowAckSize(), RtmpControl.LIMIT_DYNAMIC));
        send(RtmpControl.setChunkSize(settings.chunkSize()));
        send(RtmpCommand.connectResult(cmd.transactionId(), "Connection succeeded.").toMessage(RtmpCommand.COMMAND_CSID, 0));
    }

    private static String stripQuery(String s) {
        int q = s.indexOf('?');
        String v = q < 0 ? s : s.substring(0, q);
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        return v;
    }

    private void onCreateStream(RtmpCommand cmd) {
        if (state != State.CONNECTED) {
            close("createStream before connect");
            return;
        }
        Optional<Refusal> full = limits.stream(messageStreams.size());
        if (full.isPresent()) {
            send(RtmpCommand.error(cmd.transactionId(), "NetConnection.Call.Failed", full.get().message())
                    .toMessage(RtmpCommand.COMMAND_CSID, 0));
            return;
        }
        int id = nextStreamId++;
        messageStreams.put(id, new RtmpMessageStream(this, id));
        send(RtmpCommand.createStreamResult(cmd.transactionId(), id).toMessage(RtmpCommand.COMMAND_CSID, 0));
    }

    /** Encodes and writes one control/command message (not on the media fan-out path). */
    void send(RtmpMessage m) {
        if (state == State.CLOSED) {
            return;
        }
        byte[] bytes = ChunkEncoder.encode(m, outChunkSize());
        metrics.bytesOut(bytes.length);
        socket.write(Buffer.buffer(bytes));
    }

    /** Writes already-encoded bytes (the shared fan-out buffers). */
    void write(Buffer b) {
        if (state != State.CLOSED) {
            metrics.bytesOut(b.length());
            socket.write(b);
        }
    }

    /** True when media may be written now without growing the socket's queue. */
    boolean canWriteMedia() {
        if (state == State.CLOSED || socket.writeQueueFull()) {
            return false;
        }
        return !(socket instanceof NetSocketInternal ns) || ns.channelHandlerContext().channel().isWritable();
    }

    /**
     * Writes shared, read-only wire buffers straight to the Netty pipeline with one flush for the
     * whole batch: no Vert.x buffer wrapper, no write promise and no copy per player, and the
     * kernel gets one gathered write. Called on this connection's event loop while
     * {@link #canWriteMedia()} holds, so nothing Vert.x queued can be overtaken.
     */
    void writeShared(java.util.List<io.netty.buffer.ByteBuf> wires) {
        if (state == State.CLOSED || wires.isEmpty()) {
            return;
        }
        long bytes = 0;
        if (socket instanceof NetSocketInternal ns) {
            io.netty.channel.ChannelHandlerContext ctx = ns.channelHandlerContext();
            for (io.netty.buffer.ByteBuf w : wires) {
                bytes += w.readableBytes();
                ctx.write(w.duplicate(), ctx.voidPromise());
            }
            ctx.flush();
        } else {
            io.netty.buffer.ByteBuf[] dup = new io.netty.buffer.ByteBuf[wires.size()];
            for (int i = 0; i < dup.length; i++) {
                dup[i] = wires.get(i).duplicate();
                bytes += dup[i].readableBytes();
            }
            socket.write(io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedUnmodifiableBuffer(dup)));
        }
        metrics.bytesOut(bytes);
    }

    /** The chunk size we announced: before connect the protocol default applies. */
    int outChunkSize() {
        return state == State.CONNECTED ? settings.chunkSize() : ChunkDecoder.DEFAULT_CHUNK_SIZE;
    }

    List<RtmpMessageStream> messageStreams() {
        return List.copyOf(messageStreams.values());
    }

    private void closeFromAnyThread() {
        context.runOnContext(v -> close("Stopped by rest /terminate"));
    }

    void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        cleanup(reason);
        socket.close();
    }

    /** Closes because the peer broke the protocol or the connection failed: its publishes end FAILED. */
    void fail(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        failure = true;
        close(reason);
    }

    private void cleanup(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        String cut = decoder.unfinished();
        // a publisher that vanished mid-chunk: say so, the log is where an operator looks for why
        LOG.info("RTMP {} closed: {}{}", sessionId, reason, cut == null ? "" : " in the middle of " + cut);
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        for (RtmpMessageStream ms : messageStreams.values()) {
            ms.close(failure ? "Failed by error: " + reason : "Stopped by session disconnect", failure);
        }
        messageStreams.clear();
        connections.remove(sessionId);
        if (permit != null) {
            permit.release();
        }
        metrics.connectionClosed();
    }
}
