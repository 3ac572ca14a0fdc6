package org.estuary.core.webrtc;

/**
 * Keeps VP8's PictureID and TL0PICIDX (RFC 7741 §4.2) continuous for one subscriber when an SFU
 * switches it between simulcast layers: each layer numbers its pictures on its own, and a receiver
 * that sees the numbers jump back drops the new layer's frames as old. At a source change the new
 * source's numbers are offset to follow the last ones sent; within one source the offset is
 * constant (losses and reordering pass through). Rewrites in place; not thread-safe (one event loop).
 */
public final class Vp8PictureIds {
    private long source = -1;
    private int pidOffset;
    private int tl0Offset;
    private int lastPid = -1;
    private int lastTl0 = -1;

    /** Rewrites the descriptor of plain VP8 packet {@code p} (payload at {@code off}) from source {@code ssrc}. */
    public void rewrite(byte[] p, int off, int len, long ssrc) {
        if (off >= len || (p[off] & 0x80) == 0 || off + 2 > len) {
            return; // no extension: no picture numbers to keep
        }
        int x = p[off + 1] & 0xFF;
        int i = off + 2;
        int pidAt = -1;
        boolean longPid = false;
        if ((x & 0x80) != 0) {
            if (i >= len) {
                return;
            }
            pidAt = i;
            longPid = (p[i] & 0x80) != 0;
            i += longPid ? 2 : 1;
        }
        int tl0At = (x & 0x40) != 0 && i < len ? i : -1;
        if (pidAt >= 0 && pidAt + (longPid ? 2 : 1) > len) {
            return;
        }
        int pid = pidAt < 0 ? -1 : longPid ? ((p[pidAt] & 0x7F) << 8) | (p[pidAt + 1] & 0xFF) : p[pidAt] & 0x7F;
        int tl0 = tl0At < 0 ? -1 : p[tl0At] & 0xFF;
        if (ssrc != source) {
            source = ssrc;
            pidOffset = pid < 0 || lastPid < 0 ? 0 : (lastPid + 1 - pid) & 0x7FFF;
            tl0Offset = tl0 < 0 || lastTl0 < 0 ? 0 : (lastTl0 + 1 - tl0) & 0xFF;
        }
        if (pid >= 0) {
            int out = (pid + pidOffset) & (longPid ? 0x7FFF : 0x7F);
            if (longPid) {
                p[pidAt] = (byte) (0x80 | (out >>> 8));
                p[pidAt + 1] = (byte) out;
            } else {
                p[pidAt] = (byte) out;
            }
            lastPid = out;
        }
        if (tl0 >= 0) {
            int out = (tl0 + tl0Offset) & 0xFF;
            p[tl0At] = (byte) out;
            lastTl0 = out;
        }
    }
}
