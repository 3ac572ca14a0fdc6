package org.estuary.core.rtp;

/**
 * What a receiver knows about the far end's RTP stream, kept as RFC 3550 asks (§6.4.1, A.3, A.8):
 * extended highest sequence, packets expected and lost, interarrival jitter, and the last sender
 * report; from it the report block of our RTCP receiver/sender reports (RTSP ingest, SIP calls).
 * Not thread-safe.
 */
public final class RtpReception {
    private final int clockRate;
    private long ssrc = -1;
    private int maxSeq = -1;
    private long cycles;
    private long baseSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long lastTransit = Long.MIN_VALUE;
    private double jitter; // timestamp units
    private long lastSrMiddle;
    private long lastSrNanos;

    public RtpReception(int clockRate) {
        this.clockRate = clockRate;
    }

    /** One packet of the far end's stream: sequence, RTP timestamp, arrival on the local monotonic clock. */
    public void received(long packetSsrc, int seq, long rtpTimestamp, long arrivalNanos) {
        if (packetSsrc != ssrc) { // first packet, or the far end restarted its stream: start over
            ssrc = packetSsrc;
            maxSeq = seq;
            baseSeq = seq;
            cycles = 0;
            received = 0;
            expectedPrior = 0;
            receivedPrior = 0;
            lastTransit = Long.MIN_VALUE;
            jitter = 0;
        } else if (seq < maxSeq && maxSeq - seq > 32768) {
            cycles += 65536;
            maxSeq = seq;
        } else if (seq > maxSeq && seq - maxSeq < 32768) {
            maxSeq = seq;
        }
        received++;
        long arrival = arrivalNanos * clockRate / 1_000_000_000L; // in timestamp units
        long transit = arrival - (rtpTimestamp & 0xFFFFFFFFL);
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            if (d < 10L * clockRate) { // a timestamp jump (new talk spurt base) is not jitter
                jitter += (d - jitter) / 16.0;
            }
        }
        lastTransit = transit;
    }

    /** A sender report of the far end arrived: remembered for LSR/DLSR. */
    public void senderReport(long ntpMiddle32, long nowNanos) {
        lastSrMiddle = ntpMiddle32 & 0xFFFFFFFFL;
        lastSrNanos = nowNanos;
    }

    public long packets() {
        return received;
    }

    /** Packets expected but never received (negative with duplicates, as RFC 3550 allows). */
    public long lost() {
        return maxSeq < 0 ? 0 : expected() - received;
    }

    public double jitterMs() {
        return jitter * 1000.0 / clockRate;
    }

    private long expected() {
        return cycles + maxSeq - baseSeq + 1;
    }

    /** The report block about the far end's stream (and the interval counters move on); null before any packet. */
    public Rtcp.ReportBlock reportBlock(long nowNanos) {
        if (maxSeq < 0) {
            return null;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long lostInterval = expectedInterval - (received - receivedPrior);
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long dlsr = lastSrNanos == 0 ? 0 : (nowNanos - lastSrNanos) * 65536 / 1_000_000_000L;
        return new Rtcp.ReportBlock(ssrc, fraction, (int) Math.max(-0x800000, Math.min(0x7FFFFF, lost())),
                (cycles + maxSeq) & 0xFFFFFFFFL, (long) jitter, lastSrMiddle, dlsr & 0xFFFFFFFFL);
    }
}
