package org.estuary.it.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.amf.AmfException;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.Handshake;
import org.estuary.core.rtmp.HandshakeClient;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpControl;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.RtmpProtocolException;
import org.estuary.core.rtmp.UserControlEvent;

/**
 * One RTMP player of the load client: handshake, connect, createStream, play, then only counts.
 * Media payloads are never decoded: the chunk layer is reassembled (that is what a player must do
 * to find message boundaries) and video/audio messages are counted with their timestamps.
 *
 * <p>Lives on one event loop; the counters are volatile because the load client's main thread
 * reads them for window snapshots.
 */
final class PlayerConnection {
    /** A gap between consecutive video timestamps above this means frames were dropped. */
    static final long MAX_VIDEO_GAP_MS = 1000;
    private static final int OUR_CHUNK_SIZE = 128; // we send only small commands; keep the default
    private static final double TX_CONNECT = 1;
    private static final double TX_CREATE_STREAM = 2;

    private final String app;
    private final String tcUrl;
    private final String streamName;
    private final long openedNanos;

    private NetSocket socket;
    private final HandshakeClient handshake = new HandshakeClient();
    private final ChunkDecoder decoder = new ChunkDecoder(16 * 1024 * 1024);
    private long ackWindow;
    private long lastAck;
    private boolean lastVideoTsKnown;
    private long lastVideoTs;

    // read by the main thread
    volatile String failure;
    volatile boolean closed;
    volatile boolean playing;
    volatile long bytes;
    volatile long videoMessages;
    volatile long audioMessages;
    volatile long firstFrameMs = -1;
    /** Largest video timestamp gap seen while {@link #gapWatch} was on. */
    volatile long maxGapMs;
    /** Set by the main thread: gaps count only inside the measurement window. */
    static volatile boolean gapWatch;

    PlayerConnection(String app, String tcUrl, String streamName) {
        this.app = app;
        this.tcUrl = tcUrl;
        this.streamName = streamName;
        this.openedNanos = System.nanoTime();
    }

    void attach(NetSocket s) {
        socket = s;
        s.handler(this::onData);
        s.closeHandler(v -> closed = true);
        s.exceptionHandler(e -> fail("socket: " + e.getMessage()));
        s.write(Buffer.buffer(handshake.start()));
    }

    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        if (socket != null) {
            socket.close();
        }
    }

    void close() {
        if (socket != null) {
            socket.close();
        }
    }

    private void onData(Buffer b) {
        bytes += b.length();
        byte[] in = b.getBytes();
        try {
            if (!handshake.isDone()) {
                Handshake.Result r = handshake.feed(in);
                if (r.failure() != null) {
                    fail("handshake: " + r.failure());
                    return;
                }
                if (r.toSend().length > 0) {
                    socket.write(Buffer.buffer(r.toSend()));
                }
                if (!r.done()) {
                    return;
                }
                sendConnect();
                in = r.leftover();
                if (in.length == 0) {
                    return;
                }
            }
            decoder.feed(in, this::onMessage);
            if (ackWindow > 0 && decoder.bytesReceived() - lastAck >= ackWindow) {
                lastAck = decoder.bytesReceived();
                send(RtmpControl.ack(lastAck & 0xFFFFFFFFL));
            }
        } catch (RtmpProtocolException | RuntimeException e) {
            fail("protocol: " + e.getMessage());
        }
    }

    private void onMessage(RtmpMessage m) {
        switch (m.typeId()) {
            case MessageType.VIDEO -> onVideo(m);
            case MessageType.AUDIO -> audioMessages++;
            case MessageType.WINDOW_ACK_SIZE -> ackWindow = u32(m);
            case MessageType.USER_CONTROL -> onUserControl(m);
            case MessageType.COMMAND_AMF0 -> onCommand(m);
            default -> { }
        }
    }

    private void onVideo(RtmpMessage m) {
        if (m.payload().length <= 2) {
            return; // empty/sequence-end tags carry no frame
        }
        // byte 1 of an AVC video tag: 0 = sequence header, 1 = NAL units; count only real frames
        boolean config = (m.payload()[0] & 0x0F) == 7 && m.payload()[1] == 0;
        if (config) {
            return;
        }
        videoMessages++;
        if (firstFrameMs < 0) {
            firstFrameMs = (System.nanoTime() - openedNanos) / 1_000_000;
        }
        long ts = m.timestamp();
        if (lastVideoTsKnown && gapWatch) {
            long gap = ts - lastVideoTs;
            if (gap > maxGapMs) {
                maxGapMs = gap;
            }
        }
        lastVideoTs = ts;
        lastVideoTsKnown = true;
    }

    private void onUserControl(RtmpMessage m) {
        try {
            UserControlEvent e = RtmpControl.parseUserControl(m.payload());
            if (e.eventType() == RtmpControl.EVENT_PING_REQUEST) {
                send(RtmpControl.pingResponse(e.value()));
            }
        } catch (RtmpProtocolException e) {
            fail("user control: " + e.getMessage());
        }
    }

    private void onCommand(RtmpMessage m) {
        RtmpCommand c;
        try {
            c = RtmpCommand.parse(m.payload());
        } catch (AmfException e) {
            fail("bad command: " + e.getMessage());
            return;
        }
        if ("_result".equals(c.name()) && c.transactionId() == TX_CONNECT) {
            send(RtmpControl.windowAckSize(2_500_000));
            send(RtmpCommand.of("createStream", TX_CREATE_STREAM, null).toMessage(RtmpCommand.COMMAND_CSID, 0));
        } else if ("_result".equals(c.name()) && c.transactionId() == TX_CREATE_STREAM) {
            int sid = c.args().isEmpty() || !(c.args().get(0) instanceof Double d) ? 1 : d.intValue();
            send(RtmpCommand.of("play", 0, null, streamName, -1000.0).toMessage(8, sid));
            send(RtmpControl.setBufferLength(sid, 1000));
        } else if ("_error".equals(c.name())) {
            fail("server error: " + c.args());
        } else if ("onStatus".equals(c.name()) && !c.args().isEmpty() && c.args().get(0) instanceof Map<?, ?> info) {
            Object code = info.get("code");
            if ("NetStream.Play.Start".equals(code)) {
                playing = true;
            } else if (String.valueOf(code).startsWith("NetStream.Play.") && !"NetStream.Play.Reset".equals(code)
                    && !String.valueOf(code).startsWith("NetStream.Play.PublishNotify")) {
                fail("play status " + code);
            }
        }
    }

    private void sendConnect() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", app);
        o.put("flashVer", "LNX 9,0,124,2");
        o.put("tcUrl", tcUrl);
        o.put("fpad", false);
        o.put("capabilities", 15.0);
        o.put("audioCodecs", 4071.0);
        o.put("videoCodecs", 252.0);
        o.put("videoFunction", 1.0);
        send(RtmpCommand.of("connect", TX_CONNECT, o).toMessage(RtmpCommand.COMMAND_CSID, 0));
    }

    private void send(RtmpMessage m) {
        socket.write(Buffer.buffer(ChunkEncoder.encode(m, OUR_CHUNK_SIZE)));
    }

    private static long u32(RtmpMessage m) {
        try {
            return RtmpControl.parseUint32(m.payload());
        } catch (RtmpProtocolException e) {
            return 0;
        }
    }
}
