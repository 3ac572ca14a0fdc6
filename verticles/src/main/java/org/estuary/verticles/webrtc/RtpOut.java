package org.estuary.verticles.webrtc;

import java.util.Arrays;
import java.util.function.ObjIntConsumer;
import org.estuary.core.webrtc.Rtx;

/**
 * One outgoing RTP stream of a player (video or audio): its own SSRC, sequence numbers and
 * timestamps over payloads it does not own, and the history NACKs are answered from.
 *
 * <p>The payloads are shared by all players of a stream ({@link org.estuary.core.webrtc.SharedH264Packets},
 * the stream's Opus feed): each packet is built here in an array of its own (12-byte header +
 * payload + room for the SRTP tag) and encrypted in place, so the shared bytes are never written.
 * Sequence numbers are this player's own and continuous from its first packet whatever frame it
 * joined at; the timestamp is the player's random base plus the media time since its first packet.
 *
 * <p>History: without RTX a resend is the same SRTP bytes (an SRTP index is never encrypted twice),
 * so the sent array is kept; with RTX (RFC 4588) a resend is a new packet built from the original's
 * payload, so only the reference to the shared payload, its timestamp and marker are kept, and the
 * packet array is reused. Packets older than {@link #HISTORY_MS} are dropped as new ones are sent.
 * Event-loop only.
 */
final class RtpOut {
    static final int HISTORY = 1024;
    /**
     * How long a sent packet is kept for NACKs. A browser asks again within about a round trip and
     * gives a packet up once its jitter buffer has moved on (well under a second); keeping the last
     * 1,024 packets whatever their age held ~17 s of video per player at 600 kbit/s: 1.2 MB each,
     * promoted to the old generation and moved by every full GC (a quarter of the server's CPU with
     * 150 players, issue 12's profile).
     */
    static final long HISTORY_MS = 1500;

    /** Encrypts {@code len} bytes of {@code buf} in place (room for the tag follows); the new length or -1. */
    interface Protect {
        int apply(byte[] buf, int len);
    }

    final long ssrc;
    final int pt;
    final int clockRate;
    final long tsBase;
    int seq;
    long firstUs = Long.MIN_VALUE;
    long packets;
    long octets;
    /** RTX payload type (RFC 4588), -1 when the browser offered none: resends are then the same SRTP bytes */
    int rtxPt = -1;
    long rtxSsrc;
    int rtxSeq;

    /** Without RTX: the SRTP packet as sent; with RTX: the shared payload it carried. */
    private final byte[][] kept = new byte[HISTORY][];
    /** Without RTX: the SRTP length; with RTX: the RTP timestamp (low 32 bits). */
    private final int[] keptInt = new int[HISTORY];
    private final boolean[] keptMarker = new boolean[HISTORY];
    private final int[] keptSeq = new int[HISTORY];
    private final long[] keptMs = new long[HISTORY];
    /** Oldest history slot that may still hold a packet; -1 until the first packet. */
    private int tail = -1;
    static final long FORGET_EVERY_MS = 100;
    private long forgotMs = Long.MIN_VALUE / 2;
    /** With RTX: the packet array, reused (the sender copies it before send returns). */
    private byte[] scratch = new byte[0];

    RtpOut(long ssrc, int pt, int clockRate, long tsBase, int seq) {
        this.ssrc = ssrc;
        this.pt = pt;
        this.clockRate = clockRate;
        this.tsBase = tsBase;
        this.seq = seq;
    }

    /** This stream's RTP time of the media time {@code us}. */
    long rtpTime(long us) {
        if (firstUs == Long.MIN_VALUE) {
            firstUs = us;
        }
        return (tsBase + (us - firstUs) * clockRate / 1_000_000L) & 0xFFFFFFFFL;
    }

    /**
     * Sends {@code payload} (not modified) as this stream's next packet: header, encryption, history,
     * then {@code out} gets the packet (it must copy what it keeps before returning). False when
     * encryption failed (the sequence number is spent all the same, as before).
     */
    boolean send(long us, byte[] payload, boolean marker, long nowMs, Protect protect, ObjIntConsumer<byte[]> out) {
        int s = seq;
        seq = (seq + 1) & 0xFFFF;
        long ts = rtpTime(us);
        int len = 12 + payload.length;
        byte[] p;
        if (rtxPt >= 0) {
            if (scratch.length < len + SrtpTransform.RTP_TAG_ROOM) {
                scratch = new byte[len + SrtpTransform.RTP_TAG_ROOM + 64];
            }
            p = scratch;
        } else {
            p = new byte[len + SrtpTransform.RTP_TAG_ROOM]; // kept in the history as sent
        }
        header(p, pt, marker, s, ts, ssrc);
        System.arraycopy(payload, 0, p, 12, payload.length);
        int n = protect.apply(p, len);
        if (n < 0) {
            return false;
        }
        if (tail < 0) {
            tail = s % HISTORY; // packets fill the ring from here on, one slot each
        }
        forgetOld(nowMs);
        int slot = s % HISTORY;
        kept[slot] = rtxPt >= 0 ? payload : p;
        keptInt[slot] = rtxPt >= 0 ? (int) ts : n;
        keptMarker[slot] = marker;
        keptSeq[slot] = s;
        keptMs[slot] = nowMs;
        packets++;
        octets += payload.length;
        out.accept(p, n);
        return true;
    }

    /**
     * Sends packet {@code s} again if the history still has it: the same SRTP bytes, or on RTX a
     * new packet wrapping the original (OSN + payload). True when something was sent.
     */
    boolean resend(int s, Protect protect, ObjIntConsumer<byte[]> out) {
        int slot = s % HISTORY;
        byte[] k = kept[slot];
        if (k == null || keptSeq[slot] != s) {
            return false;
        }
        if (rtxPt < 0) {
            out.accept(k, keptInt[slot]);
            return true;
        }
        byte[] plain = new byte[12 + k.length];
        header(plain, pt, keptMarker[slot], s, keptInt[slot] & 0xFFFFFFFFL, ssrc);
        System.arraycopy(k, 0, plain, 12, k.length);
        byte[] rtx = Rtx.wrap(plain, plain.length, rtxPt, rtxSeq, rtxSsrc);
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        if (rtx == null) {
            return false;
        }
        byte[] p = Arrays.copyOf(rtx, rtx.length + SrtpTransform.RTP_TAG_ROOM);
        int n = protect.apply(p, rtx.length);
        if (n < 0) {
            return false;
        }
        out.accept(p, n);
        return true;
    }

    /**
     * Drops the packets older than {@link #HISTORY_MS} from the NACK history (oldest first), looking
     * at most every {@link #FORGET_EVERY_MS}: the tail slot is a cache miss per packet per player
     * otherwise (3% of the server at 300 players), and a packet kept 100 ms longer costs nothing.
     */
    void forgetOld(long nowMs) {
        int t = tail;
        if (t < 0 || nowMs - forgotMs < FORGET_EVERY_MS && nowMs >= forgotMs) {
            return;
        }
        forgotMs = nowMs;
        while (kept[t] != null && nowMs - keptMs[t] > HISTORY_MS) {
            kept[t] = null;
            t = (t + 1) % HISTORY;
        }
        tail = t;
    }

    /** Packets the history holds now (for tests and stats). */
    int historySize() {
        int n = 0;
        for (byte[] k : kept) {
            if (k != null) {
                n++;
            }
        }
        return n;
    }

    static void header(byte[] p, int pt, boolean marker, int seq, long ts, long ssrc) {
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | pt);
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        put32(p, 4, ts);
        put32(p, 8, ssrc);
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
