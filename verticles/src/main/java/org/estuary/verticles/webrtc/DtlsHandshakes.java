package org.estuary.verticles.webrtc;

import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs DTLS server handshakes on a bounded pool of threads, never on an event loop: bctls's
 * {@code accept} blocks for the handshake's round trips (about 5 ms of CPU each). After the
 * handshake the thread stays a short while to answer the client's retransmitted final flight,
 * then returns to the pool; later DTLS records (close_notify) are recognised by the engine.
 */
final class DtlsHandshakes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsHandshakes.class);
    /** How long a finished handshake's thread keeps answering retransmissions. */
    private static final int LINGER_MS = 1500;

    private final DtlsIdentity identity;
    private final JcaTlsCrypto crypto;
    private final ExecutorService pool;
    private final int timeoutMs;
    private final AtomicInteger running = new AtomicInteger();

    DtlsHandshakes(DtlsIdentity identity, int threads, int timeoutMs) {
        this.identity = identity;
        this.crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
        this.timeoutMs = timeoutMs;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 16), r -> {
            Thread t = new Thread(r, "webrtc-dtls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    /** Handshakes running or waiting for a thread. */
    int running() {
        return running.get();
    }

    /**
     * Starts a handshake on {@code channel}. {@code done} gets the keys, or null on failure, on the
     * handshake thread (hop to the session's context there).
     *
     * @return false when the pool's queue is full (the session should fail)
     */
    boolean start(DtlsChannel channel, byte[] expectedFingerprint, String sessionId, Consumer<SrtpKeys> done) {
        try {
            running.incrementAndGet();
            pool.execute(() -> run(channel, expectedFingerprint, sessionId, done));
            return true;
        } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            return false;
        }
    }

    /**
     * Like {@link #start} for the DTLS client role (we dialled another server, which answered
     * {@code a=setup:passive}): the handshake thread sends the ClientHello at once.
     */
    boolean startClient(DtlsChannel channel, byte[] expectedFingerprint, String sessionId, Consumer<SrtpKeys> done) {
        try {
            running.incrementAndGet();
            pool.execute(() -> run(channel, expectedFingerprint, sessionId, done, true));
            return true;
        } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            return false;
        }
    }

    private void run(DtlsChannel channel, byte[] fingerprint, String sessionId, Consumer<SrtpKeys> done) {
        run(channel, fingerprint, sessionId, done, false);
    }

    private void run(DtlsChannel channel, byte[] fingerprint, String sessionId, Consumer<SrtpKeys> done, boolean asClient) {
        long t0 = System.nanoTime();
        DTLSTransport transport = null;
        try {
            SrtpKeys keys;
            if (asClient) {
                DtlsClient client = new DtlsClient(crypto, identity, fingerprint, timeoutMs);
                transport = new DTLSClientProtocol().connect(client, channel);
                keys = client.keys();
            } else {
                DtlsServer server = new DtlsServer(crypto, identity, fingerprint, timeoutMs);
                transport = new DTLSServerProtocol().accept(server, channel);
                keys = server.keys();
            }
            LOG.info("WebRTC {}: DTLS handshake done in {} ms ({})", sessionId, (System.nanoTime() - t0) / 1_000_000,
                    keys.profile());
            done.accept(keys);
            linger(transport);
        } catch (Exception e) {
            LOG.info("WebRTC {}: DTLS handshake failed: {}", sessionId, e.toString());
            if (transport == null) {
                done.accept(null);
            }
        } finally {
            channel.close();
            running.decrementAndGet();
        }
    }

    private static void linger(DTLSTransport transport) {
        byte[] buf = new byte[1500];
        long end = System.currentTimeMillis() + LINGER_MS;
        try {
            while (System.currentTimeMillis() < end) {
                transport.receive(buf, 0, buf.length, 100);
            }
        } catch (Exception ignored) {
            // the channel closed or the peer sent an alert: nothing more to serve
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
