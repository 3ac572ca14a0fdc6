package org.estuary.core.sip;

/** RTP fixed header (RFC 3550 §5.1): parse what a call receives, write what it sends. */
public record RtpHeader(int payloadType, boolean marker, int sequence, long timestamp, long ssrc,
                        int payloadOffset, int payloadLength) {

    /** Parses {@code data[0..len)}; null when it is not an RTP v2 packet or is RTCP (PT 72-76). */
    public static RtpHeader parse(byte[] data, int len) {
        if (data == null || len < 12 || len > data.length || (data[0] & 0xC0) != 0x80) {
            return null;
        }
        int off = 12 + 4 * (data[0] & 0x0F);
        int end = len;
        if ((data[0] & 0x20) != 0) {
            int pad = data[end - 1] & 0xFF;
            if (pad == 0 || pad > end - off) {
                return null;
            }
            end -= pad;
        }
        if ((data[0] & 0x10) != 0) {
            if (off + 4 > end) {
                return null;
            }
            off += 4 + 4 * (((data[off + 2] & 0xFF) << 8) | (data[off + 3] & 0xFF));
        }
        if (off > end) {
            return null;
        }
        int pt = data[1] & 0x7F;
        if (pt >= 72 && pt <= 76) {
            return null;
        }
        return new RtpHeader(pt, (data[1] & 0x80) != 0, ((data[2] & 0xFF) << 8) | (data[3] & 0xFF),
                u32(data, 4), u32(data, 8), off, end - off);
    }

    /** A packet: this header (no CSRC, no extension) followed by {@code payload}. */
    public static byte[] write(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {
        byte[] b = new byte[12 + payload.length];
        b[0] = (byte) 0x80;
        b[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        b[2] = (byte) (sequence >> 8);
        b[3] = (byte) sequence;
        put32(b, 4, timestamp);
        put32(b, 8, ssrc);
        System.arraycopy(payload, 0, b, 12, payload.length);
        return b;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }

    private static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
