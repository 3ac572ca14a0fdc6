package org.estuary.verticles.rtmp;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.Handshake;
import org.estuary.core.rtmp.HandshakeClient;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpMessage;

/**
 * A scripted RTMP client for session tests, built on the core codec: it records every message the
 * server sends so a test can wait for a given command or media message.
 */
final class RtmpTestClient implements AutoCloseable {
    private final NetClient client;
    private final NetSocket socket;
    private final HandshakeClient handshake = new HandshakeClient();
    private final ChunkDecoder decoder = new ChunkDecoder(16 << 20);
    final List<RtmpMessage> received = new CopyOnWriteArrayList<>();
    private volatile boolean handshakeDone;
    private volatile boolean closed;
    private int outChunk = 128;

    RtmpTestClient(Vertx vertx, int port) throws Exception {
        client = vertx.createNetClient();
        socket = client.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        socket.closeHandler(v -> closed = true);
        socket.handler(this::onData);
        socket.write(Buffer.buffer(handshake.start()));
        long deadline = System.currentTimeMillis() + 5000;
        while (!handshakeDone && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        if (!handshakeDone) {
            throw new IllegalStateException("handshake did not complete");
        }
    }

    private void onData(Buffer b) {
        byte[] bytes = b.getBytes();
        try {
            if (!handshakeDone) {
                Handshake.Result r = handshake.feed(bytes);
                if (r.toSend().length > 0) {
                    socket.write(Buffer.buffer(r.toSend()));
                }
                if (!r.done()) {
                    return;
                }
                handshakeDone = true;
                bytes = r.leftover();
            }
            decoder.feed(bytes, 0, bytes.length, received::add);
        } catch (Exception e) {
            socket.close();
        }
    }

    void send(RtmpMessage m) {
        socket.write(Buffer.buffer(ChunkEncoder.encode(m, outChunk)));
    }

    void sendRaw(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
    }

    void command(int msid, String name, double tx, Object cmdObject, Object... args) {
        send(RtmpCommand.of(name, tx, cmdObject, args).toMessage(3, msid));
    }

    boolean isClosed() {
        return closed;
    }

    /** Waits for a message matching {@code p}; returns it or throws after the timeout. */
    RtmpMessage await(Predicate<RtmpMessage> p, long timeoutMs, String what) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (RtmpMessage m : received) {
                if (p.test(m)) {
                    return m;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("timed out waiting for " + what + "; received " + received.size() + " messages: "
                + received.stream().map(RtmpTestClient::describe).toList());
    }

    /** Waits for an onStatus / _result command with the given code or name. */
    RtmpCommand awaitCommand(String nameOrCode, long timeoutMs) throws Exception {
        RtmpMessage m = await(x -> x.typeId() == MessageType.COMMAND_AMF0 && describe(x).contains(nameOrCode),
                timeoutMs, nameOrCode);
        return RtmpCommand.parse(m.payload());
    }

    static String describe(RtmpMessage m) {
        if (m.typeId() == MessageType.COMMAND_AMF0) {
            try {
                RtmpCommand c = RtmpCommand.parse(m.payload());
                return c.name() + " " + c.args();
            } catch (Exception e) {
                return "bad command";
            }
        }
        return "type" + m.typeId() + "@" + m.timestamp();
    }

    long count(int typeId) {
        return received.stream().filter(m -> m.typeId() == typeId).count();
    }

    @Override
    public void close() {
        socket.close();
        client.close();
    }
}
