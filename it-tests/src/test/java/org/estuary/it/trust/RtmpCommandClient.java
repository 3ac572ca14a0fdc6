package org.estuary.it.trust;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.amf.AmfException;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.Handshake;
import org.estuary.core.rtmp.HandshakeClient;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.RtmpProtocolException;

/**
 * A blocking RTMP client that only speaks commands (connect, createStream, publish, play) and reads
 * the answers: enough to hold connections and streams open and see a refusal's code and text. It
 * stands in for a flooding client; the real-client side of each limit is ffmpeg. A player made of it
 * keeps the media messages it receives ({@link #awaitMedia}), to see exactly what a joiner is sent.
 */
final class RtmpCommandClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ChunkDecoder decoder = new ChunkDecoder(16 * 1024 * 1024);
    private final Deque<RtmpCommand> commands = new ArrayDeque<>();
    private final List<FlvTag> media = new ArrayList<>();
    private double tx = 1;

    private RtmpCommandClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects the TCP socket and completes the handshake. */
    static RtmpCommandClient open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        RtmpCommandClient c = new RtmpCommandClient(s);
        c.handshake();
        return c;
    }

    private void handshake() throws IOException {
        HandshakeClient h = new HandshakeClient();
        socket.getOutputStream().write(h.start());
        byte[] buf = new byte[8192];
        while (!h.isDone()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed during the handshake");
            }
            Handshake.Result r = h.feed(buf, 0, n);
            if (r.failed()) {
                throw new IOException("handshake: " + r.failure());
            }
            if (r.toSend().length > 0) {
                socket.getOutputStream().write(r.toSend());
            }
            if (r.done() && r.leftover().length > 0) {
                feed(r.leftover(), r.leftover().length);
            }
        }
    }

    /** Sends connect to {@code app} and returns the answer (_result or _error). */
    RtmpCommand connect(String app) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", app);
        o.put("tcUrl", "rtmp://127.0.0.1/" + app);
        o.put("flashVer", "LNX 9,0,124,2");
        return call(RtmpCommand.of("connect", tx++, o));
    }

    /** Sends createStream and returns the answer (_result or _error). */
    RtmpCommand createStream() throws IOException {
        return call(RtmpCommand.of("createStream", tx++, null));
    }

    /**
     * Sends publish for {@code name} on {@code streamId} (from createStream's answer) and returns the
     * server's onStatus (NetStream.Publish.Start, or the refusal).
     */
    RtmpCommand publish(int streamId, String name) throws IOException {
        RtmpCommand c = RtmpCommand.of("publish", tx++, null, name, "live");
        socket.getOutputStream().write(ChunkEncoder.encode(c.toMessage(RtmpCommand.COMMAND_CSID, streamId), 128));
        return awaitCommand("onStatus");
    }

    /**
     * Sends play for {@code name} on {@code streamId} and returns the server's first onStatus
     * (NetStream.Play.Reset / Play.Start, or the refusal).
     */
    RtmpCommand play(int streamId, String name) throws IOException {
        RtmpCommand c = RtmpCommand.of("play", tx++, null, name, -2.0);
        socket.getOutputStream().write(ChunkEncoder.encode(c.toMessage(RtmpCommand.COMMAND_CSID, streamId), 128));
        return awaitCommand("onStatus");
    }

    /**
     * Reads until the media messages received so far satisfy {@code done} (or the socket timeout
     * passes: an IOException); returns them all.
     */
    List<FlvTag> awaitMedia(Predicate<List<FlvTag>> done, int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        byte[] buf = new byte[16 * 1024];
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done.test(media)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no such media within " + timeoutMs + " ms; got " + media.size() + " messages");
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed after " + media.size() + " media messages");
            }
            feed(buf, n);
        }
        return media;
    }

    /** Sends one media message (FLV tag body) on {@code streamId}, chunked at 128 bytes. */
    void sendMedia(int streamId, int typeId, long timestamp, byte[] payload) throws IOException {
        socket.getOutputStream().write(ChunkEncoder.encode(new RtmpMessage(typeId == MessageType.AUDIO ? 4 : 6, typeId,
                timestamp, streamId, payload), 128));
    }

    /** Writes raw bytes as they are (e.g. part of a chunk). */
    void writeRaw(byte[] bytes, int length) throws IOException {
        socket.getOutputStream().write(bytes, 0, length);
        socket.getOutputStream().flush();
    }

    private RtmpCommand awaitCommand(String name) throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            while (!commands.isEmpty()) {
                RtmpCommand r = commands.poll();
                if (r.name().equals(name) || r.name().equals("_error")) {
                    return r;
                }
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed before " + name);
            }
            feed(buf, n);
        }
    }

    private RtmpCommand call(RtmpCommand c) throws IOException {
        socket.getOutputStream().write(ChunkEncoder.encode(c.toMessage(RtmpCommand.COMMAND_CSID, 0), 128));
        byte[] buf = new byte[8192];
        while (true) {
            while (!commands.isEmpty()) {
                RtmpCommand r = commands.poll();
                if (r.transactionId() == c.transactionId() && (r.name().equals("_result") || r.name().equals("_error"))) {
                    return r;
                }
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed before the answer to " + c.name());
            }
            feed(buf, n);
        }
    }

    private void feed(byte[] buf, int n) throws IOException {
        try {
            decoder.feed(buf, 0, n, m -> {
                if (m.typeId() == MessageType.VIDEO || m.typeId() == MessageType.AUDIO) {
                    media.add(new FlvTag(m.typeId(), m.timestamp(), m.payload()));
                } else if (m.typeId() == MessageType.COMMAND_AMF0) {
                    try {
                        commands.add(RtmpCommand.parse(m.payload()));
                    } catch (AmfException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        } catch (RtmpProtocolException e) {
            throw new IOException(e);
        }
    }

    /** The {@code code} and {@code description} of an answer's info object, "code: description". */
    static String status(RtmpCommand answer) {
        Object info = answer.args().isEmpty() ? answer.commandObject() : answer.args().get(0);
        if (info instanceof Map<?, ?> m) {
            return m.get("code") + ": " + m.get("description");
        }
        return String.valueOf(info);
    }

    /** True once the server has closed the connection (reads EOF within the timeout). */
    boolean closedByServer(int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

}
