package org.estuary.core.webrtc;

/**
 * Rewrites forwarded RTP for one subscriber's track (an SFU forwards a publisher's packets to
 * each subscriber without decoding them): the subscriber's own SSRC and payload type, and a
 * sequence-number and timestamp space that continues without a jump when the source changes (a
 * participant republishes, or a simulcast layer switch), so the subscriber's jitter buffer and
 * decoder see one stream. Within one source the offsets are constant, so reordering and losses
 * pass through unchanged and a subscriber's NACK maps back to the source's numbers with
 * {@link #sourceSeq}. One instance per subscriber track; not thread-safe (one event loop).
 */
public final class RtpRewriter {
    private final long outSsrc;
    private final int outPayloadType;
    private final int clockRate;
    private long sourceSsrc = -1;
    private int seqOffset;
    private long tsOffset;
    private int lastOutSeq = -1;
    private long lastOutTs;
    private long lastOutWallMs;
    private long packets;

    /**
     * @param outSsrc        the SSRC the subscriber was told about
     * @param outPayloadType the payload type negotiated with the subscriber
     * @param clockRate      the codec's RTP clock (90000 video, 48000 Opus), to bridge a source change
     * @param firstSeq       the first sequence number to send (random, RFC 3550)
     * @param firstTs        the first timestamp to send (random)
     */
    public RtpRewriter(long outSsrc, int outPayloadType, int clockRate, int firstSeq, long firstTs) {
        this.outSsrc = outSsrc & 0xFFFFFFFFL;
        this.outPayloadType = outPayloadType & 0x7F;
        this.clockRate = clockRate;
        this.lastOutSeq = (firstSeq - 1) & 0xFFFF;
        this.lastOutTs = firstTs & 0xFFFFFFFFL;
    }

    /**
     * Rewrites the RTP header of {@code pkt} in place (plain RTP, before SRTP protection).
     *
     * @param nowMs the wall clock, used only to size the timestamp step at a source change
     * @return false when {@code pkt} is not an RTP packet (too short, wrong version): leave it unsent
     */
    public boolean rewrite(byte[] pkt, int len, long nowMs) {
        if (len < 12 || (pkt[0] & 0xC0) != 0x80) {
            return false;
        }
        long ssrc = u32(pkt, 8);
        int seq = ((pkt[2] & 0xFF) << 8) | (pkt[3] & 0xFF);
        long ts = u32(pkt, 4);
        if (ssrc != sourceSsrc) {
            // a new source: continue right after what the subscriber saw last
            long step = packets == 0 ? 0 : Math.max(1, (nowMs - lastOutWallMs) * clockRate / 1000);
            seqOffset = (lastOutSeq + 1 - seq) & 0xFFFF;
            tsOffset = (lastOutTs + step - ts) & 0xFFFFFFFFL;
            sourceSsrc = ssrc;
        }
        int outSeq = (seq + seqOffset) & 0xFFFF;
        long outTs = (ts + tsOffset) & 0xFFFFFFFFL;
        pkt[1] = (byte) ((pkt[1] & 0x80) | outPayloadType);
        pkt[2] = (byte) (outSeq >>> 8);
        pkt[3] = (byte) outSeq;
        put32(pkt, 4, outTs);
        put32(pkt, 8, outSsrc);
        if (packets == 0 || newer(outSeq, lastOutSeq)) {
            lastOutSeq = outSeq;
            lastOutTs = outTs;
            lastOutWallMs = nowMs;
        }
        packets++;
        return true;
    }

    /** The current source's sequence number of a packet the subscriber knows as {@code outSeq} (for NACK). */
    public int sourceSeq(int outSeq) {
        return (outSeq - seqOffset) & 0xFFFF;
    }

    /**
     * The subscriber's timestamp for the current source's {@code sourceTs}: translates the
     * publisher's sender reports, so a subscriber can still line audio up with video.
     */
    public long outTimestamp(long sourceTs) {
        return (sourceTs + tsOffset) & 0xFFFFFFFFL;
    }

    /** The source SSRC packets come from now, -1 before the first one. */
    public long sourceSsrc() {
        return sourceSsrc;
    }

    public long outSsrc() {
        return outSsrc;
    }

    public long packets() {
        return packets;
    }

    /** RFC 3550 serial-number comparison: {@code a} is after {@code b}. */
    static boolean newer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }

    private static long u32(byte[] d, int off) {
        return ((d[off] & 0xFFL) << 24) | ((d[off + 1] & 0xFFL) << 16) | ((d[off + 2] & 0xFFL) << 8) | (d[off + 3] & 0xFFL);
    }

    private static void put32(byte[] d, int off, long v) {
        d[off] = (byte) (v >>> 24);
        d[off + 1] = (byte) (v >>> 16);
        d[off + 2] = (byte) (v >>> 8);
        d[off + 3] = (byte) v;
    }
}
