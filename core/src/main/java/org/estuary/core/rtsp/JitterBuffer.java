package org.estuary.core.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts UDP-delivered RTP packets back in sequence order. A packet is held until its predecessor
 * arrives, at most {@code maxDelayMs} or while fewer than {@code capacity} packets wait; after
 * that the gap is given up (the depacketiser sees the loss). Duplicates and packets older than
 * what was already released are dropped. Not thread-safe.
 */
public final class JitterBuffer {
    private record Held(RtpPacket packet, long arrivedMs) { }

    private final int capacity;
    private final long maxDelayMs;
    private final TreeMap<Long, Held> held = new TreeMap<>();
    private long nextSeq = -1;     // extended sequence number expected next
    private long highest = -1;     // highest extended sequence seen
    private long dropped;

    public JitterBuffer(int capacity, long maxDelayMs) {
        this.capacity = capacity;
        this.maxDelayMs = maxDelayMs;
    }

    /** Adds a packet and returns what can be released now, in order. */
    public List<RtpPacket> push(RtpPacket p, long nowMs) {
        long ext = extend(p.sequence());
        if (nextSeq < 0) {
            nextSeq = ext;
        }
        if (ext < nextSeq || held.containsKey(ext)) {
            dropped++;
            return List.of();
        }
        held.put(ext, new Held(p, nowMs));
        highest = Math.max(highest, ext);
        return drain(nowMs);
    }

    /** Releases what waited too long (call periodically when packets stop coming). */
    public List<RtpPacket> drain(long nowMs) {
        List<RtpPacket> out = new ArrayList<>();
        while (!held.isEmpty()) {
            var first = held.firstEntry();
            boolean inOrder = first.getKey() == nextSeq;
            boolean giveUp = held.size() > capacity || nowMs - first.getValue().arrivedMs() >= maxDelayMs;
            if (!inOrder && !giveUp) {
                break;
            }
            held.pollFirstEntry();
            out.add(first.getValue().packet());
            nextSeq = first.getKey() + 1;
        }
        return out;
    }

    /** Packets dropped as duplicates or too late. */
    public long dropped() {
        return dropped;
    }

    /** Highest extended sequence number seen (for receiver reports), -1 before any. */
    public long highestSequence() {
        return highest;
    }

    /** Extends a 16-bit sequence number to the one closest to the highest seen. */
    private long extend(int seq) {
        if (highest < 0) {
            return seq + 65536L; // headroom so a slightly earlier packet does not go negative
        }
        long base = highest & ~0xFFFFL;
        long c = base + seq;
        if (c - highest > 32768) {
            c -= 65536;
        } else if (highest - c > 32768) {
            c += 65536;
        }
        return c;
    }
}
