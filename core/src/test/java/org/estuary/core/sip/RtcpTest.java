package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpTest {
    @Test
    void ourSenderReportWithABlockReadsBack() {
        var block = new Rtcp.ReportBlock(0xCAFEL, 25, -3, 70_000, 42, 0x12345678L, 655);
        byte[] sr = Rtcp.senderReport(0xBEEFL, 1_700_000_000_123L, 160, 50, 8000, block);
        assertEquals(52, sr.length);
        List<Rtcp.Received> r = Rtcp.parse(sr, sr.length);
        assertEquals(1, r.size());
        assertEquals(0xBEEFL, r.get(0).senderSsrc());
        assertTrue(r.get(0).hasSenderReport());
        assertEquals(List.of(block), r.get(0).blocks());
    }

    @Test
    void receptionCountsLossAndJitterForTheBlock() {
        RtpReception rx = new RtpReception(8000);
        long t = 0;
        for (int seq = 100; seq < 200; seq++) {
            if (seq % 10 == 5) {
                continue; // 10 of 100 lost
            }
            long wobble = (seq % 2 == 0 ? 5 : 0) * 1_000_000L; // 5 ms of arrival jitter
            rx.received(7, seq, (seq - 100) * 160L, t + (seq - 100) * 20_000_000L + wobble);
        }
        assertEquals(10, rx.lost());
        assertTrue(rx.jitterMs() > 2 && rx.jitterMs() < 6, "jitter " + rx.jitterMs());
        Rtcp.ReportBlock b = rx.reportBlock(0);
        assertEquals(7, b.sourceSsrc());
        assertEquals(10, b.cumulativeLost());
        assertEquals(25, b.fractionLost()); // 10/100 * 256
        assertEquals(199, b.highestSeq());
        assertEquals(0, rx.reportBlock(0).fractionLost(), "nothing lost since the last report");
    }

    @Test
    void malformedReportsAreIgnored() {
        assertEquals(List.of(), Rtcp.parse(new byte[] {(byte) 0x81, (byte) 201, 0, 7, 1, 2}, 6));
        assertEquals(List.of(), Rtcp.parse(new byte[] {(byte) 0x81, (byte) 201, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 1}, 8));
        assertEquals(List.of(), Rtcp.parse(new byte[0], 0));
        byte[] rr = new byte[32];
        rr[0] = (byte) 0x85; // claims 5 blocks, has room for 1
        rr[1] = (byte) 201;
        rr[3] = 7;
        assertEquals(1, Rtcp.parse(rr, rr.length).get(0).blocks().size());
    }
}
