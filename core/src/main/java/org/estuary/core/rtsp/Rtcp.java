package org.estuary.core.rtsp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RTCP (RFC 3550 §6): sender reports in, receiver reports with a CNAME out. */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;

    /** A sender report: the sender's NTP wall time for one of its RTP timestamps. */
    public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp) {
        /** NTP time in microseconds (since 1900). */
        public long ntpMicros() {
            long secs = ntpTimestamp >>> 32;
            long frac = ntpTimestamp & 0xFFFFFFFFL;
            return secs * 1_000_000L + ((frac * 1_000_000L) >>> 32);
        }

        /** The middle 32 bits of the NTP timestamp, echoed as LSR in receiver reports. */
        public long middle32() {
            return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        }
    }

    private Rtcp() { }

    /** The sender reports of a compound packet; malformed parts end the walk. */
    public static List<SenderReport> senderReports(byte[] p) {
        List<SenderReport> out = new ArrayList<>();
        int off = 0;
        while (off + 4 <= p.length && (p[off] & 0xC0) == 0x80) {
            int type = p[off + 1] & 0xFF;
            int len = 4 * ((((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF)) + 1);
            if (off + len > p.length) {
                break;
            }
            if (type == SR && len >= 28) {
                long ntp = (RtpPacket.u32(p, off + 8) << 32) | RtpPacket.u32(p, off + 12);
                out.add(new SenderReport(RtpPacket.u32(p, off + 4), ntp, RtpPacket.u32(p, off + 16)));
            }
            off += len;
        }
        return out;
    }

    /** Reception statistics of one source, what a receiver report block needs. */
    public record ReportBlock(long sourceSsrc, int fractionLost, int cumulativeLost, long highestSeq, long jitter,
                              long lastSr, long delaySinceLastSr) { }

    /** A compound RR + SDES(CNAME) packet. */
    public static byte[] receiverReport(long ourSsrc, ReportBlock b, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        int nameLen = Math.min(255, name.length);
        int sdesItems = 4 + 2 + nameLen + 1; // ssrc, type+len, text, end
        int sdesLen = (sdesItems + 3) / 4 * 4;
        byte[] out = new byte[32 + 4 + sdesLen];
        out[0] = (byte) 0x81;
        out[1] = (byte) RR;
        out[3] = 7;
        put32(out, 4, ourSsrc);
        put32(out, 8, b.sourceSsrc());
        out[12] = (byte) b.fractionLost();
        int lost = Math.max(-0x800000, Math.min(0x7FFFFF, b.cumulativeLost()));
        out[13] = (byte) (lost >> 16);
        out[14] = (byte) (lost >> 8);
        out[15] = (byte) lost;
        put32(out, 16, b.highestSeq());
        put32(out, 20, b.jitter());
        put32(out, 24, b.lastSr());
        put32(out, 28, b.delaySinceLastSr());
        int s = 32;
        out[s] = (byte) 0x81;
        out[s + 1] = (byte) SDES;
        int words = sdesLen / 4;
        out[s + 2] = (byte) (words >> 8);
        out[s + 3] = (byte) words;
        put32(out, s + 4, ourSsrc);
        out[s + 8] = 1; // CNAME
        out[s + 9] = (byte) nameLen;
        System.arraycopy(name, 0, out, s + 10, nameLen);
        return out;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
