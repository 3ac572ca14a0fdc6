package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulcast by RID: the offer's layers, the answer that accepts them, a packet's RID, VP8 picture ids across a switch. */
class SimulcastTest {
    /** Chromium's video m-line with sendEncodings [{rid: l}, {rid: m}, {rid: h}] (no a=ssrc lines for the layers). */
    static final String OFFER = String.join("\r\n",
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901",
            "a=fingerprint:" + SdpOfferTest.FP, "a=setup:actpass", "a=mid:0",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
            "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
            "a=sendonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
            "a=rid:l send", "a=rid:m send", "a=rid:h send", "a=simulcast:send l;m;~h", "") ;

    @Test
    void theOfferedLayersAreAnsweredAsReceivedWithTheRidExtension() {
        SdpOffer o = SdpOffer.parse(OFFER.replace(";~h", ";h"));
        assertEquals(List.of("l", "m", "h"), o.media().get(0).rids());
        assertEquals(10, o.media().get(0).extId(SdpAnswer.RID_URI));
        assertEquals(List.of("l", "m"), SdpOffer.parse(OFFER).media().get(0).rids(), "a paused (~) layer is left out");
        List<Negotiation.Line> lines = Negotiation.negotiate(o, true, 100);
        String answer = SdpAnswer.write(lines, "u", "p", new byte[32], List.of(), "c", "s", 1, false, false, true);
        assertTrue(answer.contains("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"), answer);
        assertTrue(answer.contains("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"), answer);
        assertTrue(answer.contains("a=rid:l recv\r\na=rid:m recv\r\na=rid:h recv\r\na=simulcast:recv l;m;h\r\n"), answer);
        String plain = SdpAnswer.write(lines, "u", "p", new byte[32], List.of(), "c", "s", 1, false, false);
        assertFalse(plain.contains("simulcast"), "without simulcast asked (WHIP): one layer");
    }

    @Test
    void ridFromOneByteAndTwoByteExtensions() {
        // one-byte: id 4 (mid "0"), id 10 (rid "m"), padding
        byte[] p = {(byte) 0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7,
                (byte) 0xBE, (byte) 0xDE, 0, 2, 0x40, '0', (byte) 0xA0, 'm', 0, 0, 0, 0, 1, 2};
        assertEquals("m", SimulcastRid.of(p, p.length, 10));
        assertNull(SimulcastRid.of(p, p.length, 11));
        assertNull(SimulcastRid.of(p, 20, 10), "cut short");
        byte[] two = {(byte) 0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7,
                0x10, 0x00, 0, 1, 10, 1, 'h', 0, 1};
        assertEquals("h", SimulcastRid.of(two, two.length, 10));
    }

    @Test
    void vp8PictureIdsContinueAcrossALayerSwitch() {
        Vp8PictureIds ids = new Vp8PictureIds();
        assertEquals(1000, pid(ids, 1000, 1));
        assertEquals(1001, pid(ids, 1001, 1));
        assertEquals(1002, pid(ids, 17, 2), "the new layer's numbers follow the old one's");
        assertEquals(1003, pid(ids, 18, 2));
        assertEquals(1004, pid(ids, 1010, 1));
    }

    private static int pid(Vp8PictureIds ids, int pid, long ssrc) {
        byte[] d = {(byte) 0x90, (byte) 0x80, (byte) (0x80 | (pid >>> 8)), (byte) pid, 0};
        ids.rewrite(d, 0, d.length, ssrc);
        return ((d[2] & 0x7F) << 8) | (d[3] & 0xFF);
    }
}
