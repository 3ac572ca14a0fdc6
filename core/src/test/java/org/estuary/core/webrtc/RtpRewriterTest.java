package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtpRewriterTest {

    private static byte[] rtp(long ssrc, int seq, long ts, int pt, boolean marker) {
        byte[] p = new byte[12 + 10];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | pt);
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (ts >>> (24 - 8 * i));
            p[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        p[12] = 42;
        return p;
    }

    private static int seq(byte[] p) {
        return ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
    }

    private static long ts(byte[] p) {
        return ((p[4] & 0xFFL) << 24) | ((p[5] & 0xFFL) << 16) | ((p[6] & 0xFFL) << 8) | (p[7] & 0xFFL);
    }

    private static long ssrc(byte[] p) {
        return ((p[8] & 0xFFL) << 24) | ((p[9] & 0xFFL) << 16) | ((p[10] & 0xFFL) << 8) | (p[11] & 0xFFL);
    }

    @Test
    void rewritesSsrcPayloadTypeSequenceAndTimestampKeepingMarkerAndPayload() {
        RtpRewriter r = new RtpRewriter(0xCAFEBABEL, 102, 90_000, 1000, 5_000);
        byte[] p = rtp(0x11111111L, 40_000, 123_456, 96, true);
        assertTrue(r.rewrite(p, p.length, 0));
        assertEquals(0xCAFEBABEL, ssrc(p));
        assertEquals(102, p[1] & 0x7F);
        assertEquals(0x80, p[1] & 0x80, "the marker bit survives");
        assertEquals(1000, seq(p));
        assertEquals(5_000, ts(p));
        assertEquals(42, p[12]);
        byte[] q = rtp(0x11111111L, 40_001, 126_456, 96, false);
        r.rewrite(q, q.length, 33);
        assertEquals(1001, seq(q));
        assertEquals(8_000, ts(q));
        assertEquals(40_001, r.sourceSeq(1001), "a NACK of 1001 asks the source for 40001");
        assertEquals(8_000 + 90_000, r.outTimestamp(126_456 + 90_000), "a sender report's timestamp, translated");
    }

    @Test
    void lossAndReorderPassThroughAndWrapAround() {
        RtpRewriter r = new RtpRewriter(1, 96, 90_000, 65_534, 0xFFFF_FFF0L);
        byte[] a = rtp(7, 10, 100, 96, false);
        byte[] c = rtp(7, 13, 400, 96, false);
        byte[] b = rtp(7, 12, 300, 96, false);
        r.rewrite(a, a.length, 0);
        r.rewrite(c, c.length, 10);
        r.rewrite(b, b.length, 11);
        assertEquals(65_534, seq(a));
        assertEquals(1, seq(c), "gap of two kept across the 16-bit wrap");
        assertEquals(0, seq(b), "late packet keeps its place");
        assertEquals((0xFFFF_FFF0L + 300) & 0xFFFFFFFFL, ts(c));
    }

    @Test
    void aNewSourceContinuesTheSubscribersSpaceWithoutAJump() {
        RtpRewriter r = new RtpRewriter(9, 111, 48_000, 100, 1_000);
        byte[] a = rtp(1, 5_000, 900_000, 111, false);
        r.rewrite(a, a.length, 1_000);
        byte[] b = rtp(2, 30, 7, 111, false); // the participant rejoined: new SSRC, new spaces
        r.rewrite(b, b.length, 1_020);
        assertEquals(101, seq(b));
        assertEquals(1_000 + 20 * 48, ts(b), "20 ms later at 48 kHz");
        assertEquals(2, r.sourceSsrc());
    }

    @Test
    void garbageIsRefused() {
        RtpRewriter r = new RtpRewriter(9, 111, 48_000, 0, 0);
        assertFalse(r.rewrite(new byte[8], 8, 0));
        byte[] notRtp = rtp(1, 1, 1, 111, false);
        notRtp[0] = 0x40;
        assertFalse(r.rewrite(notRtp, notRtp.length, 0));
        assertEquals(0, r.packets());
    }
}
