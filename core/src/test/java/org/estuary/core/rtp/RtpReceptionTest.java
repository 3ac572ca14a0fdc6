package org.estuary.core.rtp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtpReceptionTest {
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
}
