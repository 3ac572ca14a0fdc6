package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transport-wide CC feedback, read back by a decoder written from the draft's text (both chunk
 * kinds, both delta sizes, RTCP padding): which packets arrived and when, to the 250 µs tick.
 */
class TransportCcTest {
    /** seq -> arrival µs (null = reported lost), in report order. */
    private static Map<Integer, Long> decode(byte[] b) {
        assertEquals(2, (b[0] & 0xC0) >>> 6, "version 2");
        assertEquals(15, b[0] & 0x1F, "FMT 15");
        assertEquals(205, b[1] & 0xFF, "RTPFB");
        int len = 4 * (Stun.u16(b, 2) + 1);
        assertEquals(b.length, len, "length field");
        assertEquals(0, len % 4);
        int end = (b[0] & 0x20) != 0 ? len - (b[len - 1] & 0xFF) : len;
        int base = Stun.u16(b, 12);
        int count = Stun.u16(b, 14);
        long ref = ((b[16] & 0xFFL) << 16) | ((b[17] & 0xFFL) << 8) | (b[18] & 0xFFL);
        List<Integer> symbols = new ArrayList<>();
        int off = 20;
        while (symbols.size() < count) {
            int chunk = Stun.u16(b, off);
            off += 2;
            if ((chunk & 0x8000) == 0) {
                int sym = (chunk >>> 13) & 3;
                for (int i = 0; i < (chunk & 0x1FFF); i++) {
                    symbols.add(sym);
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int i = 13; i >= 0; i--) {
                    symbols.add((chunk >>> i) & 1);
                }
            } else {
                for (int i = 6; i >= 0; i--) {
                    symbols.add((chunk >>> (2 * i)) & 3);
                }
            }
        }
        Map<Integer, Long> out = new LinkedHashMap<>();
        long t = ref * 64_000;
        for (int i = 0; i < count; i++) {
            int seq = (base + i) & 0xFFFF;
            int sym = symbols.get(i);
            if (sym == 0) {
                out.put(seq, null);
            } else if (sym == 1) {
                t += 250L * (b[off++] & 0xFF);
                out.put(seq, t);
            } else {
                assertEquals(2, sym, "no reserved symbol");
                t += 250L * (short) Stun.u16(b, off);
                off += 2;
                out.put(seq, t);
            }
        }
        assertTrue(off <= end, "deltas inside the packet");
        return out;
    }

    @Test
    void reportsArrivalsAndLossesToTheTick() {
        TransportCc cc = new TransportCc();
        long t0 = 1_000_000_123L;
        Map<Integer, Long> sent = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            int seq = (65530 + i) & 0xFFFF; // wraps
            if (i == 7 || i == 8 || i == 20) {
                continue; // lost
            }
            long at = t0 + i * 3_100L + (i == 15 ? 70_000 : 0); // one late by 70 ms: a 2-byte delta
            cc.received(seq, at);
            sent.put(seq, at);
        }
        assertTrue(cc.pending());
        byte[] fb = cc.feedback(1, 2);
        assertEquals(1, Stun.u32(fb, 4));
        Map<Integer, Long> got = decode(fb);
        assertEquals(30, got.size(), got.toString());
        for (int i = 0; i < 30; i++) {
            int seq = (65530 + i) & 0xFFFF;
            Long want = sent.get(seq);
            if (want == null) {
                assertNull(got.get(seq), "lost " + seq);
            } else {
                assertNotNull(got.get(seq), "received " + seq);
                assertTrue(Math.abs(got.get(seq) - want) <= 125, seq + ": " + got.get(seq) + " vs " + want);
            }
        }
        assertFalse(cc.pending());
        assertNull(cc.feedback(1, 2), "nothing new");
    }

    @Test
    void laterFeedbackContinuesWhereTheLastStoppedAndIgnoresLatePackets() {
        TransportCc cc = new TransportCc();
        cc.received(10, 5_000_000);
        cc.received(12, 5_002_000);
        Map<Integer, Long> first = decode(cc.feedback(1, 2));
        assertEquals(List.of(10, 11, 12), List.copyOf(first.keySet()));
        cc.received(11, 5_003_000); // already reported lost
        cc.received(13, 5_004_000);
        byte[] second = cc.feedback(1, 2);
        Map<Integer, Long> got = decode(second);
        assertEquals(List.of(13), List.copyOf(got.keySet()));
        assertEquals(1, second[19], "feedback packet count increments");
    }

    @Test
    void largeBurstsSplitIntoSeveralFeedbacks() {
        TransportCc cc = new TransportCc();
        for (int i = 0; i < 1000; i++) {
            cc.received(i, 7_000_000 + i * 100L);
        }
        int reported = 0;
        byte[] fb;
        while ((fb = cc.feedback(1, 2)) != null) {
            assertTrue(fb.length < 1200, "fits a packet: " + fb.length);
            reported += decode(fb).size();
        }
        assertEquals(1000, reported);
    }

    @Test
    void readsTheOneByteHeaderExtension() {
        // header with X=1, a 1-byte element (id 2) then the 2-byte transport-wide seq (id 5), padded
        byte[] p = new byte[12 + 4 + 8 + 3];
        p[0] = (byte) 0x90;
        Stun.put16(p, 12, 0xBEDE);
        Stun.put16(p, 14, 2);
        p[16] = 0x20; // id 2, len 1
        p[17] = 0x7F;
        p[18] = 0x51; // id 5, len 2
        p[19] = (byte) 0xAB;
        p[20] = (byte) 0xCD;
        assertEquals(0xABCD, TransportCc.extension16(p, p.length, 5));
        assertEquals(-1, TransportCc.extension16(p, p.length, 3));
        assertEquals(-1, TransportCc.extension16(p, 18, 5), "truncated");
        p[0] = (byte) 0x80;
        assertEquals(-1, TransportCc.extension16(p, p.length, 5), "no X bit");
    }

}
