package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receiver side of NACK (RFC 4585 §6.2.1) for one incoming RTP stream: notices gaps in the
 * sequence numbers and says which ones to ask the sender for, again every {@code retryMs} up to
 * {@code maxTries} times, and gives up after {@code giveUpMs} (the jitter buffer has moved on by
 * then). A packet that arrives (late or retransmitted) is no longer asked for. Not thread-safe.
 */
public final class LossTracker {
    /** A gap larger than this is a sender restart or a long outage, not loss worth NACKing. */
    static final int MAX_GAP = 256;
    static final int MAX_MISSING = 512;

    private final long retryMs;
    private final int maxTries;
    private final long giveUpMs;
    private final Map<Integer, long[]> missing = new LinkedHashMap<>(); // seq -> {firstMissedMs, lastAskedMs, tries}
    private int highest = -1;
    private long asked;
    private long recovered;

    public LossTracker(long retryMs, int maxTries, long giveUpMs) {
        this.retryMs = retryMs;
        this.maxTries = maxTries;
        this.giveUpMs = giveUpMs;
    }

    /**
     * An RTP packet with sequence number {@code seq} arrived.
     *
     * @return true when it was one we were missing (a retransmission or a late packet that repairs a gap)
     */
    public boolean received(int seq, long nowMs) {
        seq &= 0xFFFF;
        if (highest < 0) {
            highest = seq;
            return false;
        }
        int ahead = (seq - highest) & 0xFFFF;
        if (ahead == 0) {
            return false; // a duplicate
        }
        if (ahead < 0x8000) {
            if (ahead > 1 && ahead <= MAX_GAP) {
                for (int s = (highest + 1) & 0xFFFF; s != seq; s = (s + 1) & 0xFFFF) {
                    if (missing.size() < MAX_MISSING) {
                        missing.put(s, new long[] {nowMs, Long.MIN_VALUE, 0});
                    }
                }
            } else if (ahead > MAX_GAP) {
                missing.clear();
            }
            highest = seq;
        } else if (missing.remove(seq) != null) {
            recovered++; // an older one we were waiting for
            return true;
        }
        return false;
    }

    /** The sequence numbers to NACK now (possibly none); counts each as one more try. */
    public List<Integer> due(long nowMs) {
        List<Integer> out = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, long[]>> it = missing.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, long[]> e = it.next();
            long[] m = e.getValue();
            if (nowMs - m[0] > giveUpMs || m[2] >= maxTries) {
                it.remove();
                continue;
            }
            if (m[1] == Long.MIN_VALUE || nowMs - m[1] >= retryMs) {
                m[1] = nowMs;
                m[2]++;
                out.add(e.getKey());
            }
        }
        asked += out.size();
        return out;
    }

    /** Sequence numbers asked for so far (each try counted). */
    public long asked() {
        return asked;
    }

    /** Missing packets that arrived after all (retransmitted or reordered). */
    public long recovered() {
        return recovered;
    }

    /** Sequence numbers currently missing. */
    public int missing() {
        return missing.size();
    }
}
