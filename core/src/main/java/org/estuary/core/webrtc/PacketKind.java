package org.estuary.core.webrtc;

/** What arrived on the shared WebRTC UDP port, told apart by its first byte (RFC 7983 §7). */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    public static PacketKind of(byte[] d, int len) {
        if (len < 1) {
            return UNKNOWN;
        }
        int b = d[0] & 0xFF;
        if (b <= 3) {
            return len >= 20 ? STUN : UNKNOWN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            if (len < 12 && len < 8) {
                return UNKNOWN;
            }
            // RTCP packet types 192..223 (RFC 5761 §4): SR 200, RR 201, SDES, BYE, APP, RTPFB 205, PSFB 206
            int pt = len > 1 ? d[1] & 0xFF : 0;
            return pt >= 192 && pt <= 223 ? RTCP : RTP;
        }
        return UNKNOWN;
    }
}
