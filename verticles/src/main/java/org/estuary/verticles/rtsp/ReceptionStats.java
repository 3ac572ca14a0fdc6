package org.estuary.verticles.rtsp;

import org.estuary.core.rtp.Rtcp;

/** Per-source counters for RTCP receiver reports (RFC 3550 §6.4.1, A.3); interarrival jitter is not estimated (0). */
final class ReceptionStats {
    private long sourceSsrc = -1;
    private int maxSeq = -1;
    private long cycles;
    private long baseSeq = -1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long lastSrMiddle;
    private long lastSrNanos;

    void received(int seq, long ssrc) {
        sourceSsrc = ssrc;
        if (maxSeq < 0) {
            maxSeq = seq;
            baseSeq = seq;
        } else if (seq < maxSeq && maxSeq - seq > 32768) {
            cycles += 65536;
            maxSeq = seq;
        } else if (seq > maxSeq && seq - maxSeq < 32768) {
            maxSeq = seq;
        }
        received++;
    }

    void senderReport(Rtcp.SenderReport sr) {
        lastSrMiddle = sr.middle32();
        lastSrNanos = System.nanoTime();
    }

    /** Null before any packet. */
    Rtcp.ReportBlock reportBlock() {
        if (maxSeq < 0) {
            return null;
        }
        long extMax = cycles + maxSeq;
        long expected = extMax - baseSeq + 1;
        long lost = expected - received;
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long dlsr = lastSrNanos == 0 ? 0 : (System.nanoTime() - lastSrNanos) * 65536 / 1_000_000_000L;
        return new Rtcp.ReportBlock(sourceSsrc, Math.min(255, fraction), (int) lost, extMax & 0xFFFFFFFFL, 0,
                lastSrMiddle, dlsr & 0xFFFFFFFFL);
    }
}
