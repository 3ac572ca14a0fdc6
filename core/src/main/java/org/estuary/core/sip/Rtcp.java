package org.estuary.core.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP a call needs (RFC 3550 §6.4): our sender report carrying one report block about the far
 * end's stream, and the far end's SR/RR read back: its report blocks about our stream and its
 * sender reports (for LSR/DLSR). Parsing never throws; malformed parts end the walk.
 */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;

    private Rtcp() { }

    /** One report block (RFC 3550 §6.4.1); jitter in timestamp units. */
    public record ReportBlock(long sourceSsrc, int fractionLost, int cumulativeLost, long highestSeq, long jitter,
                              long lastSr, long delaySinceLastSr) { }

    /** What a compound packet from the far end says: its sender reports' NTP middle bits and report blocks. */
    public record Received(long senderSsrc, long srNtpMiddle32, List<ReportBlock> blocks) {
        public boolean hasSenderReport() {
            return srNtpMiddle32 >= 0;
        }
    }

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
            if (type == SR || type == RR) {
                long sender = u32(p, off + 4);
                int blocksAt = off + (type == SR ? 28 : 8);
                long ntpMiddle = -1;
                if (type == SR && len >= 28) {
                    ntpMiddle = ((u32(p, off + 8) << 16) | (u32(p, off + 12) >>> 16)) & 0xFFFFFFFFL;
                }
                List<ReportBlock> blocks = new ArrayList<>();
                for (int i = 0; i < count && blocksAt + 24 * (i + 1) <= off + len; i++) {
                    int b = blocksAt + 24 * i;
                    int lost = ((p[b + 5] & 0xFF) << 16) | ((p[b + 6] & 0xFF) << 8) | (p[b + 7] & 0xFF);
                    if ((lost & 0x800000) != 0) {
                        lost |= 0xFF000000; // 24-bit signed
                    }
                    blocks.add(new ReportBlock(u32(p, b), p[b + 4] & 0xFF, lost, u32(p, b + 8), u32(p, b + 12),
                            u32(p, b + 16), u32(p, b + 20)));
                }
                if (type == SR || !blocks.isEmpty()) {
                    out.add(new Received(sender, ntpMiddle, blocks));
                }
            }
            off += len;
        }
        return out;
    }

    /** A sender report (with {@code block} when not null). */
    public static byte[] senderReport(long ssrc, long nowMs, long rtpTimestamp, long packets, long octets,
                                      ReportBlock block) {
        byte[] b = new byte[28 + (block == null ? 0 : 24)];
        b[0] = (byte) (0x80 | (block == null ? 0 : 1));
        b[1] = (byte) SR;
        b[3] = (byte) (b.length / 4 - 1);
        put32(b, 4, ssrc);
        put32(b, 8, nowMs / 1000 + 2_208_988_800L);
        put32(b, 12, (nowMs % 1000) * 0x100000000L / 1000);
        put32(b, 16, rtpTimestamp);
        put32(b, 20, packets);
        put32(b, 24, octets);
        if (block != null) {
            put32(b, 28, block.sourceSsrc());
            b[32] = (byte) block.fractionLost();
            int lost = block.cumulativeLost();
            b[33] = (byte) (lost >> 16);
            b[34] = (byte) (lost >> 8);
            b[35] = (byte) lost;
            put32(b, 36, block.highestSeq());
            put32(b, 40, block.jitter());
            put32(b, 44, block.lastSr());
            put32(b, 48, block.delaySinceLastSr());
        }
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
