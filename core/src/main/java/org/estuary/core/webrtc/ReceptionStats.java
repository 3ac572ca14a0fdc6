package org.estuary.core.webrtc;

/**
 * RFC 3550 reception statistics of one incoming RTP stream (appendix A.3 and A.8), written as a
 * receiver report block: fraction and cumulative count of lost packets, extended highest sequence
 * number, interarrival jitter, and the last sender report's time (LSR/DLSR, so the sender can
 * measure the round trip). A browser's loss-based bandwidth estimate runs on these. Not thread-safe.
 */
public final class ReceptionStats {
    private final long ssrc;
    private final int clockRate;
    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private double jitter;
    private long lastTransit = Long.MIN_VALUE;
    private long lastSrNtpMiddle;
    private long lastSrArrivalMs = Long.MIN_VALUE;

    public ReceptionStats(long ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** A packet arrived (after SRTP authentication). */
    public void received(int seq, long rtpTimestamp, long arrivalNanos) {
        seq &= 0xFFFF;
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xFFFF;
            if (delta != 0 && delta < 0x8000) {
                if (seq < maxSeq) {
                    cycles += 0x10000; // wrapped
                }
                maxSeq = seq;
            }
        }
        received++;
        long arrival = arrivalNanos / 1000 * clockRate / 1_000_000L; // in RTP units
        long transit = arrival - rtpTimestamp;
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            if (d < (long) clockRate * 10) { // ignore timestamp jumps (a restarted sender)
                jitter += (d - jitter) / 16.0;
            }
        }
        lastTransit = transit;
    }

    /**
     * A packet we had counted as lost arrived on the RTX stream: it counts as received (the loss
     * reported to the sender shrinks), but not in the jitter, which a resend's delay would distort.
     */
    public void repaired() {
        received++;
    }

    /** The sender's report arrived: remember its NTP time for LSR/DLSR. */
    public void senderReport(long ntpTime, long arrivalMs) {
        lastSrNtpMiddle = (ntpTime >>> 16) & 0xFFFFFFFFL;
        lastSrArrivalMs = arrivalMs;
    }

    public boolean started() {
        return started;
    }

    /** Packets lost so far (expected minus received; may be negative with duplicates, clamped to 0). */
    public long lost() {
        return Math.max(0, expected() - received);
    }

    private long expected() {
        return cycles + maxSeq - baseSeq + 1;
    }

    /** A 24-byte report block for now; updates the interval counters behind "fraction lost". */
    public byte[] reportBlock(long nowMs) {
        byte[] b = new byte[24];
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long cumulative = Math.min(0x7FFFFF, lost());
        Stun.put32(b, 0, ssrc);
        b[4] = (byte) fraction;
        b[5] = (byte) (cumulative >>> 16);
        b[6] = (byte) (cumulative >>> 8);
        b[7] = (byte) cumulative;
        Stun.put32(b, 8, (cycles + maxSeq) & 0xFFFFFFFFL);
        Stun.put32(b, 12, (long) jitter & 0xFFFFFFFFL);
        if (lastSrArrivalMs != Long.MIN_VALUE) {
            Stun.put32(b, 16, lastSrNtpMiddle);
            Stun.put32(b, 20, ((nowMs - lastSrArrivalMs) * 65536 / 1000) & 0xFFFFFFFFL); // 1/65536 s
        }
        return b;
    }

    /** A receiver report (PT 201) from {@code senderSsrc} carrying {@code blocks} (at most 31). */
    public static byte[] receiverReport(long senderSsrc, java.util.List<byte[]> blocks) {
        int n = Math.min(31, blocks.size());
        byte[] b = new byte[8 + 24 * n];
        b[0] = (byte) (0x80 | n);
        b[1] = (byte) 201;
        Stun.put16(b, 2, b.length / 4 - 1);
        Stun.put32(b, 4, senderSsrc);
        for (int i = 0; i < n; i++) {
            System.arraycopy(blocks.get(i), 0, b, 8 + 24 * i, 24);
        }
        return b;
    }
}
