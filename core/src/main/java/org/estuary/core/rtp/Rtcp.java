package org.estuary.core.rtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RTCP (RFC 3550 §6) for a receiver and a sender of RTP: the far end's SR/RR read back (its sender
 * reports for A/V sync and LSR/DLSR, its report blocks about our stream), our receiver report with
 * a CNAME (RTSP ingest) and our sender report with one report block (a SIP call). Parsing never
 * throws; malformed parts end the walk.
 */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;

    private Rtcp() { }

    /** A sender report: the sender's NTP wall time for one of its RTP timestamps. */
    public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp) {
        /** NTP time in microseconds (since 1900). */
        public long ntpMicros() {
            long secs = ntpTimestamp >>> 32;
            long frac = ntpTimestamp & 0xFFFFFFFFL;
            return secs * 1_000_000L + ((frac * 1_000_000L) >>> 32);
        }

        /** The middle 32 bits of the NTP timestamp, echoed as LSR in report blocks. */
        public long middle32() {
            return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        }
    }

    /** One report block (RFC 3550 §6.4.1): reception statistics of one source; jitter in timestamp units. */
    public record ReportBlock(long sourceSsrc, int fractionLost, int cumulativeLost, long highestSeq, long jitter,
                              long lastSr, long delaySinceLastSr) { }

    /**
     * One SR or RR of a compound packet: who sent it, its sender report (null in an RR) and its
     * report blocks.
     */
    public record Received(long senderSsrc, SenderReport senderReport, List<ReportBlock> blocks) {
        public boolean hasSenderReport() {
            return senderReport != null;
        }

        /** The NTP middle 32 bits of its sender report (our next LSR), -1 when it is an RR. */
        public long srNtpMiddle32() {
            return senderReport == null ? -1 : senderReport.middle32();
        }
    }

    /** The SRs and RRs (an RR only when it carries blocks) of the first {@code length} bytes of {@code p}. */
    public static List<Received> parse(byte[] p, int length) {
        List<Received> out = new ArrayList<>();
        int off = 0;
        int end = Math.min(length, p.length);
        while (off + 8 <= end && (p[off] & 0xC0) == 0x80) {
            int count = p[off] & 0x1F;
            int type = p[off + 1] & 0xFF;
            int len = 4 * ((((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF)) + 1);
            if (off + len > end) {
                break;
            }
            if ((type == SR && len >= 28) || type == RR) {
                long sender = u32(p, off + 4);
                int blocksAt = off + (type == SR ? 28 : 8);
                SenderReport sr = type == SR
                        ? new SenderReport(sender, (u32(p, off + 8) << 32) | u32(p, off + 12), u32(p, off + 16)) : null;
                List<ReportBlock> blocks = new ArrayList<>();
                for (int i = 0; i < count && blocksAt + 24 * (i + 1) <= off + len; i++) {
                    blocks.add(readBlock(p, blocksAt + 24 * i));
                }
                if (sr != null || !blocks.isEmpty()) {
                    out.add(new Received(sender, sr, blocks));
                }
            }
            off += len;
        }
        return out;
    }

    /** The sender reports of a compound packet. */
    public static List<SenderReport> senderReports(byte[] p) {
        List<SenderReport> out = new ArrayList<>();
        for (Received r : parse(p, p.length)) {
            if (r.hasSenderReport()) {
                out.add(r.senderReport());
            }
        }
        return out;
    }

    /** A compound RR (one block) + SDES(CNAME) packet. */
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
        writeBlock(out, 8, b);
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

    /** A sender report at wall time {@code nowMs} (with {@code block} when not null). */
    public static byte[] senderReport(long ssrc, long nowMs, long rtpTimestamp, long packets, long octets,
                                      ReportBlock block) {
        byte[] b = new byte[28 + (block == null ? 0 : 24)];
        b[0] = (byte) (0x80 | (block == null ? 0 : 1));
        b[1] = (byte) SR;
        b[3] = (byte) (b.length / 4 - 1);
        put32(b, 4, ssrc);
        put32(b, 8, nowMs / 1000 + NTP_UNIX_OFFSET_S);
        put32(b, 12, (nowMs % 1000) * 0x100000000L / 1000);
        put32(b, 16, rtpTimestamp);
        put32(b, 20, packets);
        put32(b, 24, octets);
        if (block != null) {
            writeBlock(b, 28, block);
        }
        return b;
    }

    private static ReportBlock readBlock(byte[] p, int b) {
        int lost = ((p[b + 5] & 0xFF) << 16) | ((p[b + 6] & 0xFF) << 8) | (p[b + 7] & 0xFF);
        if ((lost & 0x800000) != 0) {
            lost |= 0xFF000000; // 24-bit signed
        }
        return new ReportBlock(u32(p, b), p[b + 4] & 0xFF, lost, u32(p, b + 8), u32(p, b + 12), u32(p, b + 16),
                u32(p, b + 20));
    }

    private static void writeBlock(byte[] out, int at, ReportBlock b) {
        put32(out, at, b.sourceSsrc());
        out[at + 4] = (byte) b.fractionLost();
        int lost = Math.max(-0x800000, Math.min(0x7FFFFF, b.cumulativeLost()));
        out[at + 5] = (byte) (lost >> 16);
        out[at + 6] = (byte) (lost >> 8);
        out[at + 7] = (byte) lost;
        put32(out, at + 8, b.highestSeq());
        put32(out, at + 12, b.jitter());
        put32(out, at + 16, b.lastSr());
        put32(out, at + 20, b.delaySinceLastSr());
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
