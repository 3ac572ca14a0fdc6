package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

/** The pieces of dialling another server: our offer, the answer's candidates, our ICE checks and their answers. */
class ServerDialTest {
    private static final byte[] TID = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
    private static final byte[] FP = new byte[32];

    @Test
    void aPullOfferIsAnsweredAsAPlayByAnIceLiteServer() {
        String offer = SdpClientOffer.write(false, 11, 12, "ufrag1", "pwd-pwd-pwd-pwd-pwd-pwd1", FP,
                List.of(new SdpAnswer.Candidate("127.0.0.1", 5000)), "estuary", 1);
        SdpOffer parsed = SdpOffer.parse(offer);
        assertEquals("ufrag1", parsed.iceUfrag());
        assertFalse(offer.contains("ice-lite"), "we are a full ICE agent");
        assertTrue(offer.contains("a=setup:actpass"));
        assertFalse(offer.contains("a=ssrc:"), "a pull sends nothing, so it announces no SSRC");
        List<Negotiation.Line> lines = Negotiation.negotiate(parsed, false, 100);
        assertEquals(Codec.OPUS, lines.get(0).codec());
        assertEquals(Codec.H264, lines.get(1).codec());
        assertEquals("sendonly", lines.get(1).direction());
        // the server's answer, read back the way the dialler reads it: it sends, we receive
        String answer = SdpAnswer.write(lines, "su", "spwd", FP, List.of(new SdpAnswer.Candidate("127.0.0.1", 6000)), "c", "s", 2);
        List<Negotiation.Line> ours = Negotiation.negotiate(SdpOffer.parse(answer), true, 0);
        assertEquals(100L, ours.get(0).offered().primarySsrc(), "the server's audio SSRC routes its packets to our audio track");
        assertEquals(SdpClientOffer.H264_PT, ours.get(1).chosen().pt());
    }

    @Test
    void aPushOfferAnnouncesOurSsrcs() {
        String offer = SdpClientOffer.write(true, 11, 12, "u", "p", FP, List.of(), "estuary", 1);
        SdpOffer parsed = SdpOffer.parse(offer);
        assertEquals(List.of(11L), parsed.media().get(0).ssrcs());
        assertEquals(List.of(12L), parsed.media().get(1).ssrcs());
        assertEquals(2, Negotiation.negotiate(parsed, true, 0).stream().filter(Negotiation.Line::accepted).count());
    }

    @Test
    void candidatesKeepUdpComponentOneByPriorityAndSkipGarbage() {
        String sdp = String.join("\r\n", "v=0",
                "a=candidate:1 1 udp 100 10.0.0.1 4000 typ host",
                "a=candidate:2 1 udp 200 10.0.0.2 4001 typ srflx raddr 0.0.0.0 rport 0",
                "a=candidate:3 1 tcp 300 10.0.0.3 4002 typ host tcptype passive",
                "a=candidate:4 2 udp 400 10.0.0.4 4003 typ host",
                "a=candidate:5 1 udp notanumber 10.0.0.5 4004 typ host",
                "a=candidate:6 1 udp 500 10.0.0.6 99999 typ host",
                "a=candidate:7 1 udp 50 abc.local 4005 typ host",
                "a=candidate:8 1 udp 150 10.0.0.1 4000 typ host",
                "a=candidate:9",
                "");
        List<SdpCandidates.Remote> c = SdpCandidates.parse(sdp);
        assertEquals(2, c.size(), c.toString());
        assertEquals("10.0.0.2", c.get(0).address());
        assertEquals("10.0.0.1", c.get(1).address());
        assertEquals(4000, c.get(1).port());
        assertTrue(SdpCandidates.parse(null).isEmpty());
    }

    @Test
    void ourChecksCarryPriorityAndTieBreakerAndTheirAnswersAreAuthenticated() {
        byte[] req = Stun.bindingRequest(TID, "theirs:ours", "remotepwd", true, 2130706431L, 0x0102030405060708L);
        Stun.BindingRequest r = Stun.parseBindingRequest(req, req.length);
        assertNotNull(r);
        assertTrue(r.useCandidate());
        assertTrue(r.controlling());
        assertTrue(Stun.verify(req, r, "remotepwd"), "the ICE-lite server checks our integrity with its own password");
        byte[] resp = Stun.bindingSuccess(r, new byte[] {127, 0, 0, 1}, 4000, "remotepwd");
        assertArrayEquals(TID, Stun.bindingSuccessTransaction(resp, resp.length, "remotepwd"));
        assertNull(Stun.bindingSuccessTransaction(resp, resp.length, "otherpwd"), "a forged answer is ignored");
        byte[] bad = resp.clone();
        bad[22] ^= 1;
        assertNull(Stun.bindingSuccessTransaction(bad, bad.length, "remotepwd"));
        assertNull(Stun.bindingSuccessTransaction(req, req.length, "remotepwd"), "a request is not an answer");
        assertNull(Stun.bindingSuccessTransaction(resp, 10, "remotepwd"));
        assertNull(Stun.bindingSuccessTransaction(new byte[40], 40, "remotepwd"));
    }
}
