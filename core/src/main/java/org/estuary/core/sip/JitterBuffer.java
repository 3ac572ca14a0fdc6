package org.estuary.core.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A call's receive-side jitter buffer: packets that arrive out of order within {@code windowNanos}
 * are put back in sequence order instead of being dropped. A packet is held until its predecessor
 * arrives, until it has waited {@code windowNanos}, or while more than {@code capacity} packets
 * wait; then the gap is given up (the audio path fills it with silence). Packets older than what
 * was already released, and duplicates, are dropped and counted. Not thread-safe (one event loop).
 *
 * @param <T> what is held per packet (the payload or the decoded samples)
 */
public final class JitterBuffer<T> {
    private record Held<T>(T item, long arrivedNanos) { }

    /** A sequence jump this large is a new stream (the far end restarted), not a late or early packet. */
    static final int RESYNC = 1000;

    private final int capacity;
    private final long windowNanos;
    private final TreeMap<Long, Held<T>> held = new TreeMap<>();
    private long nextSeq = -1;
    private long highest = -1;
    private long late;
    private long reordered;

    public JitterBuffer(int capacity, long windowNanos) {
        if (capacity < 1 || windowNanos < 0) {
            throw new IllegalArgumentException("capacity >= 1 and window >= 0");
        }
        this.capacity = capacity;
        this.windowNanos = windowNanos;
    }

    /** Adds the packet with 16-bit sequence number {@code seq}; returns what can be released now, in order. */
    public List<T> push(int seq, T item, long nowNanos) {
        long ext = extend(seq & 0xFFFF);
        List<T> flushed = List.of();
        if (nextSeq >= 0 && (ext < nextSeq - RESYNC || ext > highest + RESYNC)) {
            flushed = new ArrayList<>();
            for (Held<T> h : held.values()) {
                flushed.add(h.item());
            }
            held.clear();
            highest = -1;
            ext = extend(seq & 0xFFFF);
            nextSeq = -1;
        }
        if (nextSeq < 0) {
            nextSeq = ext;
        }
        if (ext < nextSeq || held.containsKey(ext)) {
            late++;
            return List.of();
        }
        if (ext < highest) {
            reordered++; // overtaken by a later packet, still in time: put back in its place
        }
        held.put(ext, new Held<>(item, nowNanos));
        highest = Math.max(highest, ext);
        if (flushed.isEmpty()) {
            return drain(nowNanos);
        }
        flushed.addAll(drain(nowNanos));
        return flushed;
    }

    /** Releases what has waited its window (call on a timer: the last packets before a pause). */
    public List<T> drain(long nowNanos) {
        List<T> out = new ArrayList<>();
        while (!held.isEmpty()) {
            var first = held.firstEntry();
            boolean inOrder = first.getKey() == nextSeq;
            boolean giveUp = held.size() > capacity || nowNanos - first.getValue().arrivedNanos() >= windowNanos;
            if (!inOrder && !giveUp) {
                break;
            }
            held.pollFirstEntry();
            out.add(first.getValue().item());
            nextSeq = first.getKey() + 1;
        }
        return out;
    }

    /** Packets dropped because they came after their place was given up, or twice. */
    public long late() {
        return late;
    }

    /** Packets that arrived out of order and were put back in sequence. */
    public long reordered() {
        return reordered;
    }

    public int waiting() {
        return held.size();
    }

    /** Extends a 16-bit sequence number to the one closest to the highest seen. */
    private long extend(int seq) {
        if (highest < 0) {
            return seq + 65536L; // headroom so a slightly earlier packet does not go negative
        }
        long c = (highest & ~0xFFFFL) + seq;
        if (c - highest > 32768) {
            c -= 65536;
        } else if (highest - c > 32768) {
            c += 65536;
        }
        return c;
    }
}
