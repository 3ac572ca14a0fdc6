package org.estuary.core.rtsp;

/** A parsed RTP packet (RFC 3550 §5.1) viewing its payload inside {@code data}. */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc,
                        byte[] data, int payloadOffset, int payloadLength) {

    /** Parses {@code data}; null when it is not a valid RTP v2 packet (too short, bad padding/extension). */
    public static RtpPacket parse(byte[] data) {
        if (data == null || data.length < 12 || (data[0] & 0xC0) != 0x80) {
            return null;
        }
        int cc = data[0] & 0x0F;
        int off = 12 + 4 * cc;
        int end = data.length;
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
            int words = ((data[off + 2] & 0xFF) << 8) | (data[off + 3] & 0xFF);
            off += 4 + 4 * words;
        }
        if (off > end) {
            return null;
        }
        int pt = data[1] & 0x7F;
        if (pt >= 72 && pt <= 76) {
            return null; // RTCP sent to an RTP port (RFC 5761 range)
        }
        return new RtpPacket(pt, (data[1] & 0x80) != 0, ((data[2] & 0xFF) << 8) | (data[3] & 0xFF),
                u32(data, 4), u32(data, 8), data, off, end - off);
    }

    public int payloadByte(int i) {
        return data[payloadOffset + i] & 0xFF;
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
