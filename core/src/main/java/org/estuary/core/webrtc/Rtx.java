package org.estuary.core.webrtc;

/**
 * RTP retransmission payload format (RFC 4588, SSRC-multiplexed as WebRTC uses it): a resent
 * packet travels on its own SSRC and payload type with its own sequence numbers, and its payload
 * starts with the original sequence number (OSN). The receiver's jitter buffer and bandwidth
 * estimator then tell resends from originals, and SRTP never sees one packet index twice.
 */
public final class Rtx {
    private Rtx() { }

    /** The RTX payload type the offer pairs with {@code pt} on {@code m} (a=fmtp:X apt=pt), or null. */
    public static SdpOffer.PayloadType payloadTypeFor(SdpOffer.Media m, int pt) {
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            if (p.is("rtx") && String.valueOf(pt).equals(p.fmtpParam("apt"))) {
                return p;
            }
        }
        return null;
    }

    /** Our RTX SSRC for a stream we send from {@code ssrc}: fixed, so the answer can announce it. */
    public static long ssrcFor(long ssrc) {
        return (ssrc + 0x1000_0000L) & 0xFFFFFFFFL;
    }

    /**
     * Wraps an original (unencrypted) RTP packet: same header fields (marker, timestamp, CSRCs,
     * extension) with {@code rtxPt}, {@code rtxSeq} and {@code rtxSsrc}, the OSN, then the payload.
     *
     * @return the RTX packet, or null when {@code rtp} is not a whole RTP packet
     */
    public static byte[] wrap(byte[] rtp, int len, int rtxPt, int rtxSeq, long rtxSsrc) {
        int header = headerLength(rtp, len);
        if (header < 0 || (rtp[0] & 0x20) != 0) {
            return null; // padded originals are not resent (we never pad)
        }
        byte[] out = new byte[len + 2];
        System.arraycopy(rtp, 0, out, 0, header);
        out[1] = (byte) ((rtp[1] & 0x80) | (rtxPt & 0x7F));
        out[2] = (byte) (rtxSeq >>> 8);
        out[3] = (byte) rtxSeq;
        out[8] = (byte) (rtxSsrc >>> 24);
        out[9] = (byte) (rtxSsrc >>> 16);
        out[10] = (byte) (rtxSsrc >>> 8);
        out[11] = (byte) rtxSsrc;
        out[header] = rtp[2]; // OSN
        out[header + 1] = rtp[3];
        System.arraycopy(rtp, header, out, header + 2, len - header);
        return out;
    }

    /**
     * Restores the original packet from an RTX packet: {@code pt} and {@code ssrc} of the original
     * stream, the OSN as sequence number. Null when the packet is too short.
     */
    public static byte[] unwrap(byte[] rtx, int len, int pt, long ssrc) {
        int header = headerLength(rtx, len);
        if (header < 0 || len < header + 2 || (rtx[0] & 0x20) != 0) {
            return null;
        }
        byte[] out = new byte[len - 2];
        System.arraycopy(rtx, 0, out, 0, header);
        out[1] = (byte) ((rtx[1] & 0x80) | (pt & 0x7F));
        out[2] = rtx[header];
        out[3] = rtx[header + 1];
        out[8] = (byte) (ssrc >>> 24);
        out[9] = (byte) (ssrc >>> 16);
        out[10] = (byte) (ssrc >>> 8);
        out[11] = (byte) ssrc;
        System.arraycopy(rtx, header + 2, out, header, len - header - 2);
        return out;
    }

    /**
     * The length of {@code p} without its RTP padding (RFC 3550 §5.1: the P bit, the count in the last
     * byte), {@code len} when unpadded, -1 when the padding count does not fit. Browsers probe
     * bandwidth with padding-only packets on the RTX stream: header + padding, no OSN.
     */
    public static int unpaddedLength(byte[] p, int len) {
        int header = headerLength(p, len);
        if (header < 0) {
            return -1;
        }
        if ((p[0] & 0x20) == 0) {
            return len;
        }
        int pad = p[len - 1] & 0xFF;
        return pad == 0 || len - pad < header ? -1 : len - pad;
    }

    /** Fixed header + CSRCs + header extension, -1 when cut short or not RTP v2 (also the SFU's payload offset). */
    public static int headerLength(byte[] p, int len) {
        if (p == null || len < 12 || len > p.length || (p[0] & 0xC0) != 0x80) {
            return -1;
        }
        int off = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            if (off + 4 > len) {
                return -1;
            }
            off += 4 + 4 * (((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF));
        }
        return off <= len ? off : -1;
    }
}
