package org.estuary.core.rtp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RTCP as RTSP ingest (SR in, RR + CNAME out) and SIP calls (SR with a block out, SR/RR in) use it. */
class RtcpTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void senderReportsAreParsedAndReceiverReportsBuilt() {
        byte[] sr = bytes(0x80, 200, 0, 6, 0, 0, 0, 7, 0, 0, 0, 100, 0x80, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0, 0, 2);
        byte[] compound = concat(sr, bytes(0x81, 202, 0, 1, 0, 0, 0, 7), bytes(0x80, 200, 0, 50));
        var reports = Rtcp.senderReports(compound);
        assertEquals(1, reports.size());
        assertEquals(7, reports.get(0).ssrc());
        assertEquals(4096, reports.get(0).rtpTimestamp());
        assertEquals(100_500_000, reports.get(0).ntpMicros());
        assertEquals(0x00648000L, reports.get(0).middle32());
        byte[] rr = Rtcp.receiverReport(9, new Rtcp.ReportBlock(7, 3, 5, 70000, 0, 0x00648000L, 65536), "estuary@h");
        assertEquals(201, rr[1] & 0xFF);
        assertEquals(0, rr.length % 4);
        assertEquals(202, rr[33] & 0xFF);
        assertTrue(Rtcp.senderReports(rr).isEmpty());
        List<Rtcp.Received> back = Rtcp.parse(rr, rr.length);
        assertEquals(1, back.size());
        assertFalse(back.get(0).hasSenderReport());
        assertEquals(-1, back.get(0).srNtpMiddle32());
        assertEquals(List.of(new Rtcp.ReportBlock(7, 3, 5, 70000, 0, 0x00648000L, 65536)), back.get(0).blocks());
    }

    @Test
    void ourSenderReportWithABlockReadsBack() {
        var block = new Rtcp.ReportBlock(0xCAFEL, 25, -3, 70_000, 42, 0x12345678L, 655);
        byte[] sr = Rtcp.senderReport(0xBEEFL, 1_700_000_000_123L, 160, 50, 8000, block);
        assertEquals(52, sr.length);
        List<Rtcp.Received> r = Rtcp.parse(sr, sr.length);
        assertEquals(1, r.size());
        assertEquals(0xBEEFL, r.get(0).senderSsrc());
        assertTrue(r.get(0).hasSenderReport());
        assertEquals(160, r.get(0).senderReport().rtpTimestamp());
        // 1 700 000 000.123 s Unix time on the NTP scale, to the microsecond the 32-bit fraction keeps
        assertEquals((1_700_000_000L + 2_208_988_800L) * 1_000_000L + 123_000, r.get(0).senderReport().ntpMicros(), 1);
        assertEquals(List.of(block), r.get(0).blocks());
        assertEquals(28, Rtcp.senderReport(1, 0, 0, 0, 0, null).length, "no block: the bare SR");
    }

    @Test
    void malformedReportsAreIgnored() {
        assertEquals(List.of(), Rtcp.parse(bytes(0x81, 201, 0, 7, 1, 2), 6));
        assertEquals(List.of(), Rtcp.parse(bytes(0x81, 201, 0xFF, 0xFF, 0, 0, 0, 1), 8));
        assertEquals(List.of(), Rtcp.parse(new byte[0], 0));
        assertEquals(List.of(), Rtcp.senderReports(bytes(0x80, 200, 0, 1, 0, 0, 0, 7)), "an SR too short for its fields");
        byte[] rr = new byte[32];
        rr[0] = (byte) 0x85; // claims 5 blocks, has room for 1
        rr[1] = (byte) 201;
        rr[3] = 7;
        assertEquals(1, Rtcp.parse(rr, rr.length).get(0).blocks().size());
        assertEquals(List.of(), Rtcp.parse(rr, 16), "length bounds the walk");
    }
}
