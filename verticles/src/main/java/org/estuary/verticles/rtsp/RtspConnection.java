package org.estuary.verticles.rtsp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.estuary.core.config.RtspConfig;
import org.estuary.core.rtsp.RtspMessage;
import org.estuary.core.rtsp.RtspParser;
import org.estuary.core.rtsp.RtspProtocolException;

/**
 * The TCP side of one RTSP session (DESIGN.md §4, transport layer): owns the client and the
 * socket, feeds what arrives to the parser, writes requests and matches their answers by CSeq
 * with a timeout, and hands interleaved RTP/RTCP to the session. Runs on the agent's context;
 * reports the end of the connection once through {@link Listener#lost}.
 */
final class RtspConnection {
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 256 * 1024;

    interface Listener {
        /** An interleaved ($) packet on {@code channel}. */
        void interleaved(int channel, byte[] data);

        /** The connection broke (closed by the server, socket error, unparseable input). */
        void lost(String reason);
    }

    private final Vertx vertx;
    private final RtspConfig config;
    private final Listener listener;
    private final Map<Integer, Promise<RtspMessage>> pending = new HashMap<>();
    private NetClient client;
    private NetSocket socket;
    private RtspParser parser;
    private int cseq;
    private boolean closed;

    RtspConnection(Vertx vertx, RtspConfig config, Listener listener) {
        this.vertx = vertx;
        this.config = config;
        this.listener = listener;
    }

    /** Opens the TCP connection (rtsp.connectTimeoutMs). */
    Future<Void> connect(String host, int port) {
        client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeoutMs())).setTcpNoDelay(true));
        return client.connect(port, host).map(s -> {
            if (closed) {
                s.close();
                throw new IllegalStateException("closed while connecting");
            }
            socket = s;
            parser = new RtspParser(new Incoming(), MAX_HEADER_BYTES, MAX_BODY_BYTES);
            s.handler(this::onData);
            s.closeHandler(v -> lost("the server closed the RTSP connection"));
            s.exceptionHandler(e -> lost("RTSP connection error: " + e.getMessage()));
            return null;
        });
    }

    boolean isOpen() {
        return socket != null && !closed;
    }

    /** The server's IP address, or null before the connection is up. */
    String remoteHost() {
        return socket != null && socket.remoteAddress() != null ? socket.remoteAddress().hostAddress() : null;
    }

    /** The CSeq for the next request. */
    int nextCseq() {
        return ++cseq;
    }

    /**
     * Writes request {@code m} (carrying CSeq {@code n}) and returns its answer, or a failure
     * after rtsp.requestTimeoutMs made by {@code onTimeout}.
     */
    Future<RtspMessage> request(int n, RtspMessage m, String method) {
        Promise<RtspMessage> p = Promise.promise();
        pending.put(n, p);
        long timer = vertx.setTimer(config.requestTimeoutMs(), id -> {
            if (pending.remove(n) != null) {
                p.tryFail(new RtspSession.SessionFailure(method + " got no answer within "
                        + config.requestTimeoutMs() / 1000 + " s", RtspFailure.TRANSIENT, null));
            }
        });
        write(Buffer.buffer(m.serialize()));
        return p.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    /** Writes without waiting for an answer (TEARDOWN, interleaved RTCP). */
    void write(Buffer b) {
        if (socket != null && !closed) {
            socket.write(b);
        }
    }

    private void onData(Buffer b) {
        if (closed) {
            return;
        }
        byte[] bytes = b.getBytes();
        try {
            parser.feed(bytes, 0, bytes.length);
        } catch (RtspProtocolException e) {
            lost("RTSP protocol error: " + e.getMessage());
        }
    }

    private final class Incoming implements RtspParser.Sink {
        @Override
        public void message(RtspMessage m) {
            if (m.isRequest()) {
                // servers rarely ask clients anything; answer politely so they do not wait
                write(Buffer.buffer(RtspMessage.response(501, "Not Implemented")
                        .header("CSeq", String.valueOf(m.cseq())).serialize()));
                return;
            }
            Promise<RtspMessage> p = pending.remove(m.cseq());
            if (p != null) {
                p.tryComplete(m);
            }
        }

        @Override
        public void interleaved(int channel, byte[] data) {
            listener.interleaved(channel, data);
        }
    }

    private void lost(String reason) {
        if (!closed) {
            listener.lost(reason);
        }
    }

    /** Fails every unanswered request with {@code why} and closes the socket and client. Idempotent. */
    void close(Throwable why) {
        if (closed) {
            return;
        }
        closed = true;
        new ArrayList<>(pending.values()).forEach(p -> p.tryFail(why));
        pending.clear();
        if (socket != null) {
            socket.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
