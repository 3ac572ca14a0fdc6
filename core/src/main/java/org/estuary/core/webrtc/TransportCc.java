package org.estuary.core.webrtc;

/**
 * Receiver side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01): records when each packet carrying the transport-wide sequence number header
 * extension arrived, and writes the RTCP transport feedback (RTPFB FMT 15) that lets the browser's
 * send-side estimator (GoogCC) measure delay and loss and ramp past its start bitrate. Without any
 * feedback Chromium stays at ~300 kbit/s.
 *
 * <p>Each feedback reports every sequence number since the previous one (lost ones as "not
 * received"); status chunks are 2-bit status vectors, receive deltas are in 250 µs ticks. Not
 * thread-safe: one per session, used on its event loop.
 */
public final class TransportCc {
    /** The header extension's URI in a=extmap. */
    public static final String URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final int FMT = 15;
    private static final int WINDOW = 4096;
    /** At most this many sequence numbers per feedback (keeps the packet well under the MTU). */
    static final int MAX_PER_FEEDBACK = 400;
    private static final long TICK_US = 250;
    private static final long BASE_TICK_US = 64_000;

    private final long[] arrivalUs = new long[WINDOW];
    private final long[] slotSeq = new long[WINDOW];
    private long highest = -1; // extended (unwrapped) sequence numbers
    private long nextToReport = -1;
    private int feedbackCount;

    public TransportCc() {
        java.util.Arrays.fill(slotSeq, -1);
    }

    /** A packet with transport-wide sequence number {@code seq} (16 bits) arrived at {@code arrivalUs}. */
    public void received(int seq, long arrivalUs) {
        long ext;
        if (highest < 0) {
            ext = seq & 0xFFFF;
            nextToReport = ext;
        } else {
            int delta = (short) ((seq - (int) highest) & 0xFFFF); // signed 16-bit distance from the highest
            ext = highest + delta;
            if (ext < 0 || ext < nextToReport) {
                return; // late: already reported as lost
            }
        }
        if (ext > highest) {
            if (highest >= 0 && ext - highest > WINDOW / 2) {
                nextToReport = ext; // a jump (the sender restarted its counter): start over
            }
            highest = ext;
        }
        int slot = (int) (ext % WINDOW);
        slotSeq[slot] = ext;
        this.arrivalUs[slot] = arrivalUs;
    }

    /** True when packets arrived that no feedback reported yet. */
    public boolean pending() {
        return highest >= 0 && nextToReport <= highest;
    }

    /**
     * The feedback for every sequence number not yet reported (at most {@link #MAX_PER_FEEDBACK};
     * call again while {@link #pending()}), or null when nothing is pending.
     */
    public byte[] feedback(long senderSsrc, long mediaSsrc) {
        // skip lost packets at the head: a feedback starts with a received one (it sets the reference time)
        while (pending() && slotSeq[(int) (nextToReport % WINDOW)] != nextToReport) {
            nextToReport++;
        }
        if (!pending()) {
            return null;
        }
        long base = nextToReport;
        int count = (int) Math.min(MAX_PER_FEEDBACK, highest - base + 1);
        long refTicks = arrivalUs[(int) (base % WINDOW)] / BASE_TICK_US;
        int[] symbols = new int[count];
        short[] deltas = new short[count];
        int deltaBytes = 0;
        long lastUs = refTicks * BASE_TICK_US;
        for (int i = 0; i < count; i++) {
            long seq = base + i;
            int slot = (int) (seq % WINDOW);
            if (slotSeq[slot] != seq) {
                continue; // not received: symbol 0, no delta
            }
            long d = Math.round((arrivalUs[slot] - lastUs) / (double) TICK_US);
            d = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, d));
            lastUs += d * TICK_US; // deltas accumulate from what was written, so rounding never drifts
            deltas[i] = (short) d;
            symbols[i] = d >= 0 && d <= 255 ? 1 : 2;
            deltaBytes += symbols[i];
        }
        int chunks = (count + 6) / 7;
        int body = 20 + 2 * chunks + deltaBytes;
        int padded = (body + 3) & ~3;
        byte[] b = new byte[padded];
        b[0] = (byte) (0x80 | (padded > body ? 0x20 : 0) | FMT);
        b[1] = (byte) RtcpFeedback.RTPFB;
        Stun.put16(b, 2, padded / 4 - 1);
        Stun.put32(b, 4, senderSsrc);
        Stun.put32(b, 8, mediaSsrc);
        Stun.put16(b, 12, (int) (base & 0xFFFF));
        Stun.put16(b, 14, count);
        long ref24 = refTicks & 0xFFFFFF;
        b[16] = (byte) (ref24 >>> 16);
        b[17] = (byte) (ref24 >>> 8);
        b[18] = (byte) ref24;
        b[19] = (byte) feedbackCount++;
        int off = 20;
        for (int c = 0; c < chunks; c++) {
            int chunk = 0xC000; // status vector chunk, 2-bit symbols, 7 per chunk
            for (int k = 0; k < 7; k++) {
                int i = c * 7 + k;
                int sym = i < count ? symbols[i] : 0;
                chunk |= sym << (12 - 2 * k);
            }
            Stun.put16(b, off, chunk);
            off += 2;
        }
        for (int i = 0; i < count; i++) {
            if (symbols[i] == 1) {
                b[off++] = (byte) deltas[i];
            } else if (symbols[i] == 2) {
                Stun.put16(b, off, deltas[i] & 0xFFFF);
                off += 2;
            }
        }
        if (padded > body) {
            b[padded - 1] = (byte) (padded - body); // RTCP padding: the last byte counts the padding bytes
        }
        nextToReport = base + count;
        return b;
    }

    /**
     * The value of one-byte-header extension {@code id} (RFC 8285 §4.2) as a 16-bit number, or -1
     * when the packet has no such element. Header extensions are not encrypted by SRTP, so this
     * works on the protected packet too.
     */
    public static int extension16(byte[] p, int len, int id) {
        if (len < 12 || (p[0] & 0x10) == 0 || id <= 0 || id > 14) {
            return -1;
        }
        int off = 12 + 4 * (p[0] & 0x0F);
        if (off + 4 > len || Stun.u16(p, off) != 0xBEDE) {
            return -1;
        }
        int end = off + 4 + 4 * Stun.u16(p, off + 2);
        if (end > len) {
            return -1;
        }
        int i = off + 4;
        while (i < end) {
            int h = p[i] & 0xFF;
            if (h == 0) {
                i++; // padding
                continue;
            }
            int elemId = h >>> 4;
            int elemLen = (h & 0x0F) + 1;
            if (elemId == 15 || i + 1 + elemLen > end) {
                return -1;
            }
            if (elemId == id) {
                return elemLen >= 2 ? Stun.u16(p, i + 1) : -1;
            }
            i += 1 + elemLen;
        }
        return -1;
    }
}
