package org.estuary.core.net;

import java.util.BitSet;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * The configured media port range (media.portFrom..media.portTo), shared by every feature that
 * needs UDP ports (MPEG-TS ingest, RTSP/RTP, SIP media). Bookkeeping only: the caller tries to
 * bind each candidate and the pool remembers what is taken. Thread-safe.
 */
public final class PortPool {
    private final int from;
    private final int to;
    private final BitSet taken;
    private int next;

    public PortPool(int from, int to) {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("bad port range " + from + ".." + to);
        }
        this.from = from;
        this.to = to;
        this.taken = new BitSet(to - from + 1);
        this.next = from;
    }

    public int from() { return from; }
    public int to() { return to; }

    /**
     * Reserves the next free port (round robin, so a just-released port is not reused at once)
     * for which {@code claim} succeeds; {@code claim} typically tests that the port can be bound.
     */
    public synchronized OptionalInt acquire(IntPredicate claim) {
        int size = to - from + 1;
        for (int i = 0; i < size; i++) {
            int port = from + (next - from + i) % size;
            if (!taken.get(port - from) && claim.test(port)) {
                taken.set(port - from);
                next = port + 1 > to ? from : port + 1;
                return OptionalInt.of(port);
            }
        }
        return OptionalInt.empty();
    }

    /** Marks a port as in use without asking (e.g. bound asynchronously by the caller). */
    public synchronized OptionalInt reserveNext() {
        return acquire(p -> true);
    }

    /**
     * Reserves an even port and the next one (RTP and RTCP, RFC 3550 §11) for which {@code claim}
     * succeeds; returns the even one. Release both with {@link #release}.
     */
    public synchronized OptionalInt acquirePair(IntPredicate claim) {
        int size = to - from + 1;
        for (int i = 0; i < size; i++) {
            int port = from + (next - from + i) % size;
            if (port % 2 != 0 || port + 1 > to || taken.get(port - from) || taken.get(port + 1 - from)) {
                continue;
            }
            if (claim.test(port)) {
                taken.set(port - from);
                taken.set(port + 1 - from);
                next = port + 2 > to ? from : port + 2;
                return OptionalInt.of(port);
            }
        }
        return OptionalInt.empty();
    }

    public synchronized void release(int port) {
        if (port >= from && port <= to) {
            taken.clear(port - from);
        }
    }

    public synchronized int inUse() {
        return taken.cardinality();
    }
}
