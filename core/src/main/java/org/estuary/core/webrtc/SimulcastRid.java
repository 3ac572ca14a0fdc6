package org.estuary.core.webrtc;

import java.nio.charset.StandardCharsets;

/**
 * Reads the RID (RFC 8852 {@code urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id}) of a simulcast
 * layer's packet from its RTP header extension, one-byte (RFC 8285 §4.2, 0xBEDE) or two-byte
 * (§4.3, 0x100x) form. Chromium puts it on a layer's first packets only (until it hears a receiver
 * report for the SSRC), so a receiver maps each new SSRC to its layer from them.
 */
public final class SimulcastRid {
    private SimulcastRid() { }

    /** The RID in plain packet {@code p} under extension id {@code extId}, or null (none, or malformed). */
    public static String of(byte[] p, int len, int extId) {
        if (extId <= 0 || len < 12 || (p[0] & 0x10) == 0) {
            return null;
        }
        int off = 12 + 4 * (p[0] & 0x0F);
        if (off + 4 > len) {
            return null;
        }
        int profile = ((p[off] & 0xFF) << 8) | (p[off + 1] & 0xFF);
        int end = off + 4 + 4 * (((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF));
        if (end > len) {
            return null;
        }
        boolean oneByte = profile == 0xBEDE;
        if (!oneByte && (profile & 0xFFF0) != 0x1000) {
            return null;
        }
        int i = off + 4;
        while (i < end) {
            int id;
            int n;
            if (oneByte) {
                id = (p[i] & 0xF0) >>> 4;
                n = (p[i] & 0x0F) + 1;
                if (id == 0) { // padding
                    i++;
                    continue;
                }
                if (id == 15) {
                    return null; // reserved: stop (RFC 8285)
                }
                i++;
            } else {
                id = p[i] & 0xFF;
                if (id == 0) {
                    i++;
                    continue;
                }
                if (i + 1 >= end) {
                    return null;
                }
                n = p[i + 1] & 0xFF;
                i += 2;
            }
            if (i + n > end) {
                return null;
            }
            if (id == extId) {
                return n == 0 ? null : new String(p, i, n, StandardCharsets.US_ASCII);
            }
            i += n;
        }
        return null;
    }
}
