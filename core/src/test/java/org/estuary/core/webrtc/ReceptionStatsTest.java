package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReceptionStatsTest {
    @Test
    void reportBlockCountsLossAcrossTheWrapAndSignsTheLastSenderReport() {
        ReceptionStats s = new ReceptionStats(0xCAFEBABEL, 90_000);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            int seq = (65530 + i) & 0xFFFF;
            if (i == 3 || i == 10) {
                continue; // two of twenty lost
            }
            s.received(seq, 3000L * i, t + i * 33_333_333L);
        }
        s.senderReport(0x0001_2345_6789_0000L, 1000);
        byte[] b = s.reportBlock(1500);
        assertEquals(0xCAFEBABEL, Stun.u32(b, 0));
        assertEquals((2 << 8) / 20, b[4] & 0xFF, "fraction lost");
        assertEquals(2, ((b[5] & 0xFF) << 16) | ((b[6] & 0xFF) << 8) | (b[7] & 0xFF), "cumulative lost");
        assertEquals(0x10000L + ((65530 + 19) & 0xFFFF), Stun.u32(b, 8), "extended highest sequence: one wrap");
        assertTrue(Stun.u32(b, 12) < 100, "steady 30 fps: almost no jitter, got " + Stun.u32(b, 12));
        assertEquals(0x2345_6789L, Stun.u32(b, 16), "LSR: the middle 32 bits of the NTP time");
        assertEquals(500 * 65536 / 1000, Stun.u32(b, 20), "DLSR: 0.5 s in 1/65536 s");
        assertEquals(0, s.reportBlock(1600)[4], "nothing new lost in the next interval");

        byte[] rr = ReceptionStats.receiverReport(7, List.of(b, b));
        assertEquals(PacketKind.RTCP, PacketKind.of(rr, rr.length));
        assertEquals(0x82, rr[0] & 0xFF);
        assertEquals(201, rr[1] & 0xFF);
        assertEquals(rr.length / 4 - 1, Stun.u16(rr, 2));
    }

    @Test
    void rembCarriesTheBitrateInExponentAndMantissa() {
        for (long bps : new long[] {0, 30_000, 262_143, 262_144, 2_500_000, 123_456_789}) {
            byte[] r = RtcpFeedback.remb(1, bps, List.of(5L, 6L));
            assertEquals(r.length / 4 - 1, Stun.u16(r, 2));
            long back = RtcpFeedback.rembBitrate(r, r.length);
            assertTrue(back <= bps && back >= bps - (bps >> 17), bps + " -> " + back);
            assertEquals(2, r[16]);
            assertEquals(6, Stun.u32(r, 24));
        }
        assertEquals(-1, RtcpFeedback.rembBitrate(RtcpFeedback.pli(1, 2), 12));
    }
}
