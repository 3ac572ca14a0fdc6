package org.estuary.verticles.webrtc;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The blocking {@link DatagramTransport} bctls wants, fed from the event loop: DTLS records of
 * one session are offered to a bounded queue that the handshake thread polls; what bctls sends
 * goes straight to the shared UDP socket (Vert.x sends are thread-safe).
 */
final class DtlsChannel implements DatagramTransport {
    /** Path MTU we assume for DTLS flights (IPv4/UDP over a typical 1500-byte link, with room for tunnels). */
    static final int MTU = 1200;
    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(64);
    private final Consumer<byte[]> sender;
    private volatile boolean closed;
    private long dropped;

    DtlsChannel(Consumer<byte[]> sender) {
        this.sender = sender;
    }

    /** Event loop: one DTLS datagram in. Dropped when the handshake thread lags (DTLS retransmits). */
    void offer(byte[] datagram) {
        if (closed || !incoming.offer(datagram)) {
            dropped++;
        }
    }

    long dropped() {
        return dropped;
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS channel closed");
        }
        byte[] d;
        try {
            d = incoming.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (d == null) {
            return -1;
        }
        if (d == CLOSED) {
            throw new IOException("DTLS channel closed");
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS channel closed");
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        sender.accept(copy);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            incoming.clear();
            incoming.offer(CLOSED); // wakes a blocked receive
        }
    }
}
