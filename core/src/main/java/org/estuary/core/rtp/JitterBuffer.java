package org.estuary.core.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts UDP-delivered RTP packets back in sequence order. A packet is held until its predecessor
 * arrives, until it has waited {@code window}, or while more than {@code capacity} packets wait;
 * then the gap is given up (the depacketiser sees the loss, a call's audio path fills it with
 * silence). Packets older than what was already released, and duplicates, are dropped and counted
 * as late. A sequence jump of more than {@link #RESYNC} is a new stream (the far end restarted):
 * what waits is released and the buffer starts over rather than dropping the new stream as late.
 * Time is whatever unit the caller uses for {@code window} and {@code now} (ms, ns). Not
 * thread-safe: one owner thread.
 *
 * @param <T> what is held per packet (the packet itself, its payload, a task)
 */
public final class JitterBuffer<T> {
    private record Held<T>(T item, long arrived) { }

    /** A sequence jump this large is a new stream, not a late or early packet. */
    public static final int RESYNC = 1000;

    private final int capacity;
    private final long window;
    private final TreeMap<Long, Held<T>> held = new TreeMap<>();
    private long nextSeq = -1;   // extended sequence number expected next
    private long highest = -1;   // highest extended sequence seen
    private long late;
    private long reordered;

    public JitterBuffer(int capacity, long window) {
        if (capacity < 1 || window < 0) {
            throw new IllegalArgumentException("capacity >= 1 and window >= 0");
        }
        this.capacity = capacity;
        this.window = window;
    }

    /** Adds the packet with 16-bit sequence number {@code seq}; returns what can be released now, in order. */
    public List<T> push(int seq, T item, long now) {
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
            return flushed;
        }
        if (ext < highest) {
            reordered++; // overtaken by a later packet, still in time: put back in its place
        }
        held.put(ext, new Held<>(item, now));
        highest = Math.max(highest, ext);
        if (flushed.isEmpty()) {
            return drain(now);
        }
        flushed.addAll(drain(now));
        return flushed;
    }

    /** Releases what has waited its window (call on a timer: the last packets before a pause). */
    public List<T> drain(long now) {
        List<T> out = new ArrayList<>();
        while (!held.isEmpty()) {
            var first = held.firstEntry();
            boolean inOrder = first.getKey() == nextSeq;
            boolean giveUp = held.size() > capacity || now - first.getValue().arrived() >= window;
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

    /** Packets waiting for a predecessor. */
    public int waiting() {
        return held.size();
    }

    /** Highest extended sequence number seen since the last start-over, -1 before any. */
    public long highestSequence() {
        return highest;
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
