package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpFeedbackTest {
    @Test
    void nackRoundTripsThroughPidAndBitmask() {
        List<Integer> lost = List.of(100, 101, 105, 116, 117, 65535, 0);
        byte[] n = RtcpFeedback.nack(1, 2, lost);
        assertEquals(PacketKind.RTCP, PacketKind.of(n, n.length));
        List<RtcpFeedback.Request> r = RtcpFeedback.parse(n, n.length);
        assertEquals(1, r.size());
        assertEquals(RtcpFeedback.Kind.NACK, r.get(0).kind());
        assertEquals(2, r.get(0).mediaSsrc());
        assertEquals(lost.stream().sorted().toList(), r.get(0).lostSequences().stream().sorted().toList());
    }

    @Test
    void pliAndFirParseInOneCompoundPacket() {
        byte[] pli = RtcpFeedback.pli(7, 0xDEADBEEFL);
        byte[] fir = RtcpFeedback.fir(7, 42, 3);
        byte[] both = new byte[pli.length + fir.length];
        System.arraycopy(pli, 0, both, 0, pli.length);
        System.arraycopy(fir, 0, both, pli.length, fir.length);
        List<RtcpFeedback.Request> r = RtcpFeedback.parse(both, both.length);
        assertEquals(2, r.size());
        assertEquals(RtcpFeedback.Kind.PLI, r.get(0).kind());
        assertEquals(0xDEADBEEFL, r.get(0).mediaSsrc());
        assertEquals(RtcpFeedback.Kind.FIR, r.get(1).kind());
        assertEquals(42, r.get(1).mediaSsrc());
        // truncated: nothing, no exception
        assertTrue(RtcpFeedback.parse(both, 10).isEmpty());
    }

    @Test
    void packetKindsFollowRfc7983() {
        assertEquals(PacketKind.DTLS, PacketKind.of(new byte[] {22, (byte) 0xFE, (byte) 0xFD}, 3));
        assertEquals(PacketKind.RTP, PacketKind.of(new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12));
        assertEquals(PacketKind.RTCP, PacketKind.of(new byte[] {(byte) 0x80, (byte) 200, 0, 6, 0, 0, 0, 0}, 8));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {70}, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[0], 0));
    }
}
