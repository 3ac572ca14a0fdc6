package org.estuary.verticles.rtmpclient;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.amf.AmfException;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.AuthMod;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.Handshake;
import org.estuary.core.rtmp.HandshakeClient;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpControl;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.RtmpProtocolException;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.rtmp.UserControlEvent;
import org.estuary.core.stream.MediaDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client side of one RTMP connection to another server, built on the same codec as the server:
 * handshake, connect (app/tcUrl/credentials from {@link RtmpClientParams}), createStream, then
 * publish or play, following the onStatus replies real servers (nginx-rtmp, Wowza, WCS) send.
 *
 * <p>One connection attempt per instance: reconnecting is the owner's job (it creates a new
 * instance after {@link Listener#onClosed}). The protocol state machine runs on the context that
 * called {@link #connect()}; {@link #sendFrame} may be called from the owner's media thread.
 */
public final class RtmpClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpClientConnection.class);
    private static final int OUT_CHUNK_SIZE = 4096;
    private static final long WINDOW_ACK = 2_500_000;
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** A server that reads nothing for this long while we publish is treated as gone. */
    private static final long WRITE_STALL_MS = 15_000;
    private static final double TX_CONNECT = 1;
    private static final double TX_CREATE_STREAM = 4;

    /** Pseudo status code passed to {@link Listener#onStatus} when the server sends a StreamEOF user control event. */
    public static final String STREAM_EOF = "StreamEOF";

    /** Whether this connection sends media to the server or receives it. */
    public enum Role { PUBLISH, PLAY }

    /** What the owner hears; every call arrives on the connecting context. */
    public interface Listener {
        /** NetStream.Publish.Start or NetStream.Play.Start arrived. */
        void onStarted();

        /** Every onStatus of the stream (including the start and error ones). */
        default void onStatus(String level, String code, String description) { }

        /** An audio/video/data message (play role only). */
        default void onMedia(RtmpMessage m) { }

        /**
         * Called once when the connection is gone. {@code refused} is true when the server said no
         * (an error status, a rejected connect, or a close right after connect): retrying the
         * same request would not help. Network failures and drops are not refusals.
         */
        void onClosed(String reason, boolean refused);
    }

    private enum State { IDLE, TCP, HANDSHAKE, CONNECTING, CREATING_STREAM, STARTING, STARTED, CLOSED }

    private final Vertx vertx;
    private final RtmpClientParams params;
    private final Role role;
    private final Listener listener;
    private HandshakeClient handshake = new HandshakeClient();
    private ChunkDecoder decoder = new ChunkDecoder(MAX_MESSAGE_BYTES);
    /** The challenge answer of the current connect (Adobe/Limelight authmod), null before any challenge. */
    private Map<String, String> auth;
    private int authSteps;
    private NetClient client;
    private Context context;
    private volatile NetSocket socket;
    private volatile State state = State.IDLE;
    private volatile int streamId;
    private long peerAckWindow;
    private long lastAckSent;
    private long timerId = -1;
    private long stallTimer = -1;
    private long stalledSince;
    private boolean serverAccepted;
    private String sessionId = "";
    private volatile Runnable onWritable = () -> { };

    public RtmpClientConnection(Vertx vertx, RtmpClientParams params, Role role, Listener listener) {
        this.vertx = vertx;
        this.params = params;
        this.role = role;
        this.listener = listener;
    }

    public RtmpClientParams params() { return params; }
    public boolean isStarted() { return state == State.STARTED; }
    public String sessionId() { return sessionId; }

    /** Opens the TCP (or TLS) connection; the rest follows from the server's answers. */
    public void connect() {
        if (state != State.IDLE) {
            throw new IllegalStateException("connect() called twice");
        }
        context = vertx.getOrCreateContext();
        state = State.TCP;
        NetClientOptions opts = new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT_MS)
                .setTcpNoDelay(true).setTcpKeepAlive(true).setSsl(params.url().isTls())
                .setHostnameVerificationAlgorithm(params.url().isTls() ? "HTTPS" : "");
        client = vertx.createNetClient(opts);
        // a connect that hangs in the handshake or connect command must not hang the owner forever
        timerId = vertx.setTimer(CONNECT_TIMEOUT_MS * 2, id -> {
            timerId = -1;
            if (state != State.STARTED && state != State.CLOSED) {
                close("timed out in state " + state, false);
            }
        });
        dial();
    }

    private void dial() {
        client.connect(params.url().port(), params.url().host()).onComplete(ar -> {
            if (state == State.CLOSED) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                close("cannot connect to " + params.url().host() + ":" + params.url().port() + ": "
                        + ar.cause().getMessage(), false);
                return;
            }
            onTcp(ar.result());
        });
    }

    private void onTcp(NetSocket s) {
        socket = s;
        sessionId = "/" + s.localAddress().hostAddress() + ":" + s.localAddress().port()
                + "/" + s.remoteAddress().hostAddress() + ":" + s.remoteAddress().port();
        state = State.HANDSHAKE;
        s.handler(this::onData);
        s.closeHandler(v -> close(state == State.STARTED ? "connection closed by the server"
                : "connection closed by the server during " + state, serverAccepted && state != State.STARTED));
        s.exceptionHandler(e -> close("socket error: " + e.getMessage(), false));
        s.drainHandler(v -> onWritable.run());
        s.write(Buffer.buffer(handshake.start()));
    }

    private void onData(Buffer buf) {
        if (state == State.CLOSED) {
            return;
        }
        byte[] bytes = buf.getBytes();
        try {
            if (state == State.HANDSHAKE) {
                Handshake.Result r = handshake.feed(bytes);
                if (r.failed()) {
                    close("handshake failed: " + r.failure(), false);
                    return;
                }
                if (r.toSend().length > 0) {
                    socket.write(Buffer.buffer(r.toSend()));
                }
                if (!r.done()) {
                    return;
                }
                sendConnect();
                bytes = r.leftover();
            }
            decoder.feed(bytes, 0, bytes.length, this::onMessage);
            if (peerAckWindow > 0 && decoder.bytesReceived() - lastAckSent >= peerAckWindow) {
                lastAckSent = decoder.bytesReceived();
                send(RtmpControl.ack(lastAckSent & 0xFFFFFFFFL));
            }
        } catch (RtmpProtocolException e) {
            close("protocol error: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            LOG.warn("RTMP client {} unexpected error", params.redacted(), e);
            close("internal error: " + e, false);
        }
    }

    private void sendConnect() {
        state = State.CONNECTING;
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("app", params.connectApp(auth));
        if (role == Role.PUBLISH) {
            obj.put("type", "nonprivate");
        }
        obj.put("flashVer", role == Role.PUBLISH ? "FMLE/3.0 (compatible; Estuary)" : "LNX 9,0,124,2");
        obj.put("tcUrl", params.connectTcUrl(auth));
        if (role == Role.PLAY) {
            obj.put("fpad", false);
            obj.put("capabilities", 15.0);
            obj.put("audioCodecs", 4071.0);
            obj.put("videoCodecs", 252.0);
            obj.put("videoFunction", 1.0);
        }
        send(RtmpCommand.of("connect", TX_CONNECT, obj).toMessage(RtmpCommand.COMMAND_CSID, 0));
    }

    private void onMessage(RtmpMessage m) {
        if (state == State.CLOSED) {
            return;
        }
        switch (m.typeId()) {
            case MessageType.WINDOW_ACK_SIZE -> {
                try {
                    peerAckWindow = RtmpControl.parseUint32(m.payload());
                } catch (RtmpProtocolException e) {
                    peerAckWindow = 0;
                }
            }
            case MessageType.USER_CONTROL -> onUserControl(m);
            case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> onCommand(m);
            case MessageType.AUDIO, MessageType.VIDEO, MessageType.DATA_AMF0, MessageType.DATA_AMF3,
                 MessageType.AGGREGATE -> {
                if (role == Role.PLAY && state == State.STARTED) {
                    listener.onMedia(m);
                }
            }
            default -> { } // chunk size / abort are applied by the decoder; acks and bandwidth need nothing
        }
    }

    private void onUserControl(RtmpMessage m) {
        try {
            UserControlEvent e = RtmpControl.parseUserControl(m.payload());
            if (e.eventType() == RtmpControl.EVENT_PING_REQUEST) {
                send(RtmpControl.pingResponse(e.value())); // the server's keepalive
            } else if (e.eventType() == RtmpControl.EVENT_STREAM_EOF && state == State.STARTED && e.value() == streamId) {
                listener.onStatus(StatusCode.LEVEL_STATUS, STREAM_EOF, "end of stream");
            }
        } catch (RtmpProtocolException e) {
            LOG.debug("RTMP client {}: bad user control: {}", params.redacted(), e.getMessage());
        }
    }

    private void onCommand(RtmpMessage m) {
        byte[] payload = m.payload();
        if (m.typeId() == MessageType.COMMAND_AMF3 && payload.length > 0) {
            payload = Arrays.copyOfRange(payload, 1, payload.length);
        }
        RtmpCommand cmd;
        try {
            cmd = RtmpCommand.parse(payload);
        } catch (AmfException e) {
            close("malformed command from the server: " + e.getMessage(), false);
            return;
        }
        LOG.debug("RTMP client {} got {} tx={} {}", params.redacted(), cmd.name(), cmd.transactionId(), cmd.args());
        switch (cmd.name()) {
            case "_result" -> onResult(cmd);
            case "_error" -> {
                if (cmd.transactionId() == TX_CONNECT && state == State.CONNECTING && answerChallenge(cmd)) {
                    return;
                }
                if (cmd.transactionId() == TX_CONNECT || cmd.transactionId() == TX_CREATE_STREAM) {
                    close("server refused " + (cmd.transactionId() == TX_CONNECT ? "connect" : "createStream")
                            + ": " + describe(cmd), true);
                } // _error for releaseStream/FCPublish is normal (nginx, Wowza): ignore
            }
            case "onStatus" -> onStatus(cmd);
            case "close" -> close("server closed the connection: " + describe(cmd), true);
            default -> { } // onBWDone, onFCPublish, |RtmpSampleAccess... carry nothing we need
        }
    }

    /**
     * A connect refused with an authmod challenge (Wowza, AMS, CDNs): connect again on a new TCP
     * connection with the answer. Two steps at most (announce the user, answer the challenge); a
     * third refusal is a real one.
     */
    private boolean answerChallenge(RtmpCommand cmd) {
        Map<?, ?> info = infoObject(cmd);
        String desc = info == null || info.get("description") == null ? "" : String.valueOf(info.get("description"));
        Map<String, String> next = authSteps >= 2 ? null
                : AuthMod.next(desc, params.url().user(), params.url().password(), params.url().app());
        if (next == null) {
            return false;
        }
        authSteps++;
        auth = next;
        LOG.info("RTMP client {}: server asks for {} authentication (step {})", params.redacted(), next.get("authmod"), authSteps);
        NetSocket old = socket;
        socket = null;
        if (old != null) {
            old.handler(null);
            old.closeHandler(null);
            old.exceptionHandler(null);
            old.close();
        }
        handshake = new HandshakeClient();
        decoder = new ChunkDecoder(MAX_MESSAGE_BYTES);
        peerAckWindow = 0;
        lastAckSent = 0;
        sentChunkSize = false;
        state = State.TCP;
        dial();
        return true;
    }

    private void onResult(RtmpCommand cmd) {
        if (cmd.transactionId() == TX_CONNECT && state == State.CONNECTING) {
            Map<?, ?> info = infoObject(cmd);
            if (info != null && StatusCode.LEVEL_ERROR.equals(info.get("level"))) {
                close("server refused connect: " + describe(cmd), true);
                return;
            }
            serverAccepted = true;
            state = State.CREATING_STREAM;
            send(RtmpControl.windowAckSize(WINDOW_ACK));
            send(RtmpControl.setChunkSize(OUT_CHUNK_SIZE));
            sentChunkSize = true;
            String name = params.wireStreamName();
            if (role == Role.PUBLISH) {
                send(RtmpCommand.of("releaseStream", 2, null, name).toMessage(RtmpCommand.COMMAND_CSID, 0));
                send(RtmpCommand.of("FCPublish", 3, null, name).toMessage(RtmpCommand.COMMAND_CSID, 0));
            }
            send(RtmpCommand.of("createStream", TX_CREATE_STREAM, null).toMessage(RtmpCommand.COMMAND_CSID, 0));
        } else if (cmd.transactionId() == TX_CREATE_STREAM && state == State.CREATING_STREAM) {
            Object id = cmd.args().isEmpty() ? null : cmd.args().get(0);
            streamId = id instanceof Number n ? n.intValue() : 1;
            state = State.STARTING;
            String name = params.wireStreamName();
            if (role == Role.PUBLISH) {
                send(RtmpCommand.of("publish", 5, null, name, "live").toMessage(8, streamId));
            } else {
                // start -2000: live if there is one, else recorded (what ffmpeg and Flash send)
                send(RtmpCommand.of("play", 0, null, name, -2000.0).toMessage(8, streamId));
                send(RtmpControl.setBufferLength(streamId, 3000));
            }
        }
    }

    private void onStatus(RtmpCommand cmd) {
        Map<?, ?> info = infoObject(cmd);
        String level = info == null ? "" : String.valueOf(info.get("level"));
        String code = info == null ? "" : String.valueOf(info.get("code"));
        String desc = info == null || info.get("description") == null ? "" : String.valueOf(info.get("description"));
        LOG.info("RTMP client {}: onStatus {} {} {}", params.redacted(), level, code, desc);
        listener.onStatus(level, code, desc);
        if (state == State.CLOSED) {
            return; // the listener closed us
        }
        if (StatusCode.LEVEL_ERROR.equals(level)) {
            close(code + (desc.isEmpty() ? "" : ": " + desc), true);
        } else if (state == State.STARTING && (StatusCode.PUBLISH_START.equals(code) || StatusCode.PLAY_START.equals(code))) {
            state = State.STARTED;
            cancelTimer();
            if (role == Role.PUBLISH) {
                // TCP keepalive only notices a dead host; a live one that stopped reading fills our queue
                stallTimer = vertx.setPeriodic(1000, id -> checkWriteStall());
            }
            LOG.info("RTMP client {} {} started ({})", params.redacted(), role, sessionId);
            listener.onStarted();
        }
    }

    private static Map<?, ?> infoObject(RtmpCommand cmd) {
        for (Object a : cmd.args()) {
            if (a instanceof Map<?, ?> m) {
                return m;
            }
        }
        return null;
    }

    private static String describe(RtmpCommand cmd) {
        Map<?, ?> info = infoObject(cmd);
        if (info == null) {
            return "(no details)";
        }
        Object code = info.get("code");
        Object desc = info.get("description");
        return (code == null ? "" : code) + (desc == null || String.valueOf(desc).isEmpty() ? "" : ": " + desc);
    }

    private volatile boolean sentChunkSize;

    private void send(RtmpMessage m) {
        NetSocket s = socket;
        if (s != null && state != State.CLOSED) {
            s.write(Buffer.buffer(ChunkEncoder.encode(m, sentChunkSize ? OUT_CHUNK_SIZE : ChunkDecoder.DEFAULT_CHUNK_SIZE)));
        }
    }

    /**
     * Publish role, any thread: writes one frame (its timestamps as given) to the published
     * stream. Returns false when not started or the socket's write queue is full (call again after
     * {@link #onWritable}).
     */
    public boolean sendFrame(Frame f, MediaDescription d) {
        NetSocket s = socket;
        if (state != State.STARTED || role != Role.PUBLISH || s == null) {
            return false;
        }
        if (s.writeQueueFull()) {
            return false;
        }
        ByteBuf wire = StreamToRtmp.wire(f, OUT_CHUNK_SIZE, streamId, d);
        if (wire != null) {
            s.write(BufferInternal.buffer(wire.duplicate()));
        }
        return true;
    }

    /** Whether {@link #sendFrame} would accept a frame now. */
    public boolean writable() {
        NetSocket s = socket;
        return state == State.STARTED && s != null && !s.writeQueueFull();
    }

    /** Runs (on the connecting context) when a full write queue has drained. */
    public void onWritable(Runnable r) {
        this.onWritable = r;
    }

    /** Any thread: ends the stream politely and closes; the listener hears {@code onClosed} (not refused). */
    public void close(String reason) {
        if (context == null) {
            state = State.CLOSED;
            return;
        }
        context.runOnContext(v -> {
            if (state == State.STARTED && role == Role.PUBLISH) {
                String name = params.wireStreamName();
                send(RtmpCommand.of("FCUnpublish", 6, null, name).toMessage(RtmpCommand.COMMAND_CSID, 0));
                send(RtmpCommand.of("deleteStream", 7, null, (double) streamId).toMessage(RtmpCommand.COMMAND_CSID, 0));
            } else if (state == State.STARTED) {
                send(RtmpCommand.of("deleteStream", 7, null, (double) streamId).toMessage(RtmpCommand.COMMAND_CSID, 0));
            }
            close(reason, false);
        });
    }

    private void close(String reason, boolean refused) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelTimer();
        LOG.info("RTMP client {} closed: {}{}", params.redacted(), reason, refused ? " (refused)" : "");
        NetSocket s = socket;
        if (s != null) {
            s.close();
        }
        if (client != null) {
            client.close();
        }
        listener.onClosed(reason, refused);
    }

    private void checkWriteStall() {
        NetSocket s = socket;
        if (s == null || !s.writeQueueFull()) {
            stalledSince = 0;
        } else if (stalledSince == 0) {
            stalledSince = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - stalledSince > WRITE_STALL_MS) {
            close("the server read nothing for " + WRITE_STALL_MS + " ms", false);
        }
    }

    private void cancelTimer() {
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
