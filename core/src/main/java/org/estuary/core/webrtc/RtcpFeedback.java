package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * RTCP messages a WebRTC endpoint writes and reads besides reports: PLI and FIR (RFC 4585/5104)
 * to ask for a key frame, generic NACK (RFC 4585 §6.2.1) for retransmissions, and sender reports
 * (RFC 3550 §6.4.1) for lip sync. Parsing walks a compound packet and stops at anything malformed.
 */
public final class RtcpFeedback {
    static final int SR = 200;
    static final int RTPFB = 205;
    static final int PSFB = 206;

    /** What a compound RTCP packet asks of a sender. */
    public record Request(Kind kind, long mediaSsrc, List<Integer> lostSequences) { }

    public enum Kind { PLI, FIR, NACK }

    private RtcpFeedback() { }

    /** A Picture Loss Indication for {@code mediaSsrc}. */
    public static byte[] pli(long senderSsrc, long mediaSsrc) {
        byte[] b = new byte[12];
        b[0] = (byte) 0x81; // V=2, FMT=1
        b[1] = (byte) PSFB;
        b[3] = 2;
        Stun.put32(b, 4, senderSsrc);
        Stun.put32(b, 8, mediaSsrc);
        return b;
    }

    /** A Full Intra Request (FMT 4) for {@code mediaSsrc}. */
    public static byte[] fir(long senderSsrc, long mediaSsrc, int seq) {
        byte[] b = new byte[20];
        b[0] = (byte) 0x84;
        b[1] = (byte) PSFB;
        b[3] = 4;
        Stun.put32(b, 4, senderSsrc);
        Stun.put32(b, 16 - 4, mediaSsrc);
        b[16] = (byte) seq;
        return b;
    }

    /** A generic NACK for the given sequence numbers (grouped in PID + bitmask items). */
    public static byte[] nack(long senderSsrc, long mediaSsrc, List<Integer> lost) {
        List<int[]> items = new ArrayList<>();
        for (int seq : lost) {
            int[] last = items.isEmpty() ? null : items.get(items.size() - 1);
            int d = last == null ? -1 : (seq - last[0]) & 0xFFFF;
            if (last != null && d >= 1 && d <= 16) {
                last[1] |= 1 << (d - 1);
            } else {
                items.add(new int[] {seq & 0xFFFF, 0});
            }
        }
        byte[] b = new byte[12 + 4 * items.size()];
        b[0] = (byte) 0x81;
        b[1] = (byte) RTPFB;
        Stun.put16(b, 2, 2 + items.size());
        Stun.put32(b, 4, senderSsrc);
        Stun.put32(b, 8, mediaSsrc);
        for (int i = 0; i < items.size(); i++) {
            Stun.put16(b, 12 + 4 * i, items.get(i)[0]);
            Stun.put16(b, 14 + 4 * i, items.get(i)[1]);
        }
        return b;
    }

    /**
     * A Receiver Estimated Maximum Bitrate message (draft-alvestrand-rmcat-remb): the most the
     * sender of {@code mediaSsrcs} should send, in bit/s (6-bit exponent, 18-bit mantissa).
     */
    public static byte[] remb(long senderSsrc, long bitrateBps, List<Long> mediaSsrcs) {
        int exp = 0;
        long mantissa = Math.max(0, bitrateBps);
        while (mantissa > 0x3FFFF) {
            mantissa >>>= 1;
            exp++;
        }
        int n = Math.min(255, mediaSsrcs.size());
        byte[] b = new byte[20 + 4 * n];
        b[0] = (byte) 0x8F; // V=2, FMT=15 (application layer feedback)
        b[1] = (byte) PSFB;
        Stun.put16(b, 2, b.length / 4 - 1);
        Stun.put32(b, 4, senderSsrc);
        // media source SSRC 0; then "REMB"
        b[12] = 'R';
        b[13] = 'E';
        b[14] = 'M';
        b[15] = 'B';
        b[16] = (byte) n;
        b[17] = (byte) ((exp << 2) | (int) (mantissa >>> 16));
        b[18] = (byte) (mantissa >>> 8);
        b[19] = (byte) mantissa;
        for (int i = 0; i < n; i++) {
            Stun.put32(b, 20 + 4 * i, mediaSsrcs.get(i));
        }
        return b;
    }

    /** The bitrate of a REMB message (PSFB FMT 15 with "REMB"), or -1 when {@code p} is not one. */
    public static long rembBitrate(byte[] p, int len) {
        if (len < 20 || (p[0] & 0x1F) != 15 || (p[1] & 0xFF) != PSFB || p[12] != 'R' || p[13] != 'E' || p[14] != 'M' || p[15] != 'B') {
            return -1;
        }
        int exp = (p[17] & 0xFF) >>> 2;
        long mantissa = ((p[17] & 0x03L) << 16) | ((p[18] & 0xFFL) << 8) | (p[19] & 0xFFL);
        return mantissa << exp;
    }

    /** A sender report (no report blocks). */
    public static byte[] senderReport(long ssrc, long ntpTime, long rtpTimestamp, long packets, long octets) {
        byte[] b = new byte[28];
        b[0] = (byte) 0x80;
        b[1] = (byte) SR;
        b[3] = 6;
        Stun.put32(b, 4, ssrc);
        Stun.put32(b, 8, ntpTime >>> 32);
        Stun.put32(b, 12, ntpTime);
        Stun.put32(b, 16, rtpTimestamp);
        Stun.put32(b, 20, packets);
        Stun.put32(b, 24, octets);
        return b;
    }

    /** NTP timestamp (RFC 5905 format) for a Unix time in milliseconds. */
    public static long ntp(long unixMillis) {
        long secs = unixMillis / 1000 + 2_208_988_800L;
        long frac = ((unixMillis % 1000) << 32) / 1000;
        return (secs << 32) | frac;
    }

    /** The PLI, FIR and NACK requests in a compound packet. */
    public static List<Request> parse(byte[] p, int len) {
        List<Request> out = new ArrayList<>();
        int off = 0;
        while (off + 4 <= len && (p[off] & 0xC0) == 0x80) {
            int fmt = p[off] & 0x1F;
            int type = p[off + 1] & 0xFF;
            int plen = 4 * (Stun.u16(p, off + 2) + 1);
            if (off + plen > len) {
                break;
            }
            if (type == PSFB && fmt == 1 && plen >= 12) {
                out.add(new Request(Kind.PLI, Stun.u32(p, off + 8), List.of()));
            } else if (type == PSFB && fmt == 4 && plen >= 20) {
                for (int i = off + 12; i + 8 <= off + plen; i += 8) {
                    out.add(new Request(Kind.FIR, Stun.u32(p, i), List.of()));
                }
            } else if (type == RTPFB && fmt == 1 && plen >= 16) {
                List<Integer> lost = new ArrayList<>();
                for (int i = off + 12; i + 4 <= off + plen; i += 4) {
                    int pid = Stun.u16(p, i);
                    int blp = Stun.u16(p, i + 2);
                    lost.add(pid);
                    for (int bit = 0; bit < 16; bit++) {
                        if ((blp & (1 << bit)) != 0) {
                            lost.add((pid + bit + 1) & 0xFFFF);
                        }
                    }
                }
                out.add(new Request(Kind.NACK, Stun.u32(p, off + 8), List.copyOf(lost)));
            }
            off += plen;
        }
        return out;
    }
}
