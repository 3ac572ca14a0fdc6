package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

class SdpOfferTest {
    static final String FP = "sha-256 " + "AB:".repeat(31) + "CD";
    /** The shape of Chromium's WHIP offer: audio + video sendonly, bundled, with H.264 and VP8. */
    static final String CHROMIUM = String.join("\r\n",
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed", "a=msid-semantic: WMS s1",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=candidate:1 1 udp 2113937151 127.0.0.1 50000 typ host generation 0",
            "a=ice-ufrag:Ab1x", "a=ice-pwd:0123456789abcdefghijklmn", "a=ice-options:trickle",
            "a=fingerprint:" + FP, "a=setup:actpass", "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=sendonly", "a=msid:s1 a1", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:63 red/48000/2", "a=ssrc:1111 cname:c",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Ab1x", "a=ice-pwd:0123456789abcdefghijklmn", "a=fingerprint:" + FP, "a=setup:actpass",
            "a=mid:1", "a=sendonly", "a=rtcp-mux", "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 nack", "a=rtcp-fb:102 nack pli", "a=rtcp-fb:102 ccm fir",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f",
            "a=rtpmap:103 H264/90000", "a=rtcp-fb:103 nack", "a=rtcp-fb:103 nack pli", "a=rtcp-fb:103 goog-remb",
            "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "a=ssrc-group:FID 2222 3333", "a=ssrc:2222 cname:c", "a=ssrc:3333 cname:c", "") ;

    @Test
    void parsesChromiumOfferAndPicksH264Mode1AndOpus() {
        SdpOffer o = SdpOffer.parse(CHROMIUM);
        assertEquals("Ab1x", o.iceUfrag());
        assertEquals(32, o.fingerprint().length);
        assertEquals(2, o.media().size());
        assertEquals(2222, o.media().get(1).primarySsrc());
        List<Negotiation.Line> lines = Negotiation.negotiate(o, true, 100);
        assertEquals(Codec.OPUS, lines.get(0).codec());
        assertEquals(111, lines.get(0).chosen().pt());
        assertEquals(Codec.H264, lines.get(1).codec());
        assertEquals(103, lines.get(1).chosen().pt(), "packetization-mode=1, constrained baseline");
        assertEquals("recvonly", lines.get(1).direction());

        String answer = SdpAnswer.write(lines, "uf", "pw", new byte[32], List.of(new SdpAnswer.Candidate("127.0.0.1", 20000)),
                "c", "s", 1);
        assertTrue(answer.contains("a=ice-lite\r\n"));
        assertTrue(answer.contains("a=group:BUNDLE 0 1\r\n"));
        assertTrue(answer.contains("m=video 9 UDP/TLS/RTP/SAVPF 103\r\n"));
        assertTrue(answer.contains("a=setup:passive\r\n"));
        assertTrue(answer.contains("a=candidate:1 1 udp "));
        assertTrue(answer.contains(" 127.0.0.1 20000 typ host\r\n"));
        assertTrue(answer.contains("a=rtcp-fb:103 nack pli\r\n"));
        assertFalse(answer.contains("a=ssrc:"), "a publish answer sends nothing");
    }

    @Test
    void aDataChannelLineIsKeptAndAnsweredRejected() {
        // the WCS SFU SDK opens a "control" data channel on its one peer connection: a third m-line
        String offer = CHROMIUM.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2") + String.join("\r\n",
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=ice-ufrag:Ab1x",
                "a=ice-pwd:0123456789abcdefghijklmn", "a=fingerprint:" + FP, "a=setup:actpass", "a=mid:2",
                "a=sctp-port:5000", "a=max-message-size:262144", "");
        SdpOffer o = SdpOffer.parse(offer);
        assertEquals(3, o.media().size());
        assertEquals(List.of(), o.media().get(2).payloadTypes());
        List<Negotiation.Line> lines = Negotiation.negotiate(o, true, 100);
        assertFalse(lines.get(2).accepted());
        String answer = SdpAnswer.write(lines, "uf", "pw", new byte[32], List.of(new SdpAnswer.Candidate("127.0.0.1", 20000)),
                "c", "s", 1);
        assertTrue(answer.contains("a=group:BUNDLE 0 1\r\n"), answer);
        assertTrue(answer.contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n".replace("a=mid", "c=IN IP4 0.0.0.0\r\na=mid")), answer);
    }

    @Test
    void vp8IsPublishedWhenOfferedAloneAndPlayedToPlayersOfAVp8Stream() {
        // a publisher offering VP8 (and its rtx) but no H.264
        String vp8Only = CHROMIUM.replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 96 97")
                .replaceAll("a=(rtpmap|rtcp-fb|fmtp):10[23] [^\r]*\r\n", "");
        List<Negotiation.Line> pub = Negotiation.negotiate(SdpOffer.parse(vp8Only), true, 100);
        assertEquals(Codec.VP8, pub.get(1).codec());
        assertEquals(96, pub.get(1).chosen().pt());
        // with H.264 on offer a publish takes H.264 (RTMP/HLS readers need it)
        assertEquals(Codec.H264, Negotiation.negotiate(SdpOffer.parse(CHROMIUM), true, 100).get(1).codec());

        String play = CHROMIUM.replace("a=sendonly", "a=recvonly");
        List<Negotiation.Line> vp8Play = Negotiation.negotiate(SdpOffer.parse(play), false, 100, Codec.VP8);
        assertEquals(Codec.VP8, vp8Play.get(1).codec());
        assertEquals(Codec.H264, Negotiation.negotiate(SdpOffer.parse(play), false, 100, Codec.H264).get(1).codec());
        // a player that cannot take the stream's VP8 gets audio only; with no audio either, a clear error
        String h264OnlyPlay = play.replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 102 103")
                .replaceAll("a=(rtpmap|rtcp-fb|fmtp):9[67] [^\r]*\r\n", "");
        List<Negotiation.Line> noVp8 = Negotiation.negotiate(SdpOffer.parse(h264OnlyPlay), false, 100, Codec.VP8);
        assertFalse(noVp8.get(1).accepted());
        assertTrue(noVp8.get(0).accepted());
        String videoOnly = h264OnlyPlay.replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 ilbc/8000");
        SdpException e = assertThrows(SdpException.class,
                () -> Negotiation.negotiate(SdpOffer.parse(videoOnly), false, 100, Codec.VP8));
        assertTrue(e.getMessage().contains("VP8"), e.getMessage());
    }

    @Test
    void vp9Profile0IsPublishedWhenOfferedAloneAndPlayedToPlayersOfAVp9Publish() {
        // Chromium's VP9-only offer lists profile 0 and profile 2 (10 bit), each with its rtx
        String vp9Only = CHROMIUM.replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 100 101 98 99")
                .replaceAll("a=(rtpmap|rtcp-fb|fmtp):(96|97|102|103) [^\r]*\r\n", "")
                .replace("a=ssrc-group", "a=rtpmap:100 VP9/90000\r\na=fmtp:100 profile-id=2\r\na=rtcp-fb:100 nack\r\n"
                        + "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n"
                        + "a=rtpmap:98 VP9/90000\r\na=fmtp:98 profile-id=0\r\na=rtcp-fb:98 nack\r\na=rtcp-fb:98 nack pli\r\n"
                        + "a=rtpmap:99 rtx/90000\r\na=fmtp:99 apt=98\r\na=ssrc-group");
        List<Negotiation.Line> pub = Negotiation.negotiate(SdpOffer.parse(vp9Only), true, 100);
        assertEquals(Codec.VP9, pub.get(1).codec());
        assertEquals(98, pub.get(1).chosen().pt(), "profile 0, not the 10-bit profile 2");
        // the answer accepts profile 0's rtx on the line we receive on
        String answer = SdpAnswer.write(pub, "u", "p", new byte[32], List.of(), "c", "s", 1, false, true);
        assertTrue(answer.contains("m=video 9 UDP/TLS/RTP/SAVPF 98 99\r\n"), answer);
        assertTrue(answer.contains("a=fmtp:99 apt=98\r\n"), answer);
        // VP8 before VP9, H.264 before both
        assertEquals(Codec.VP8, Negotiation.negotiate(SdpOffer.parse(vp9Only.replace("a=ssrc-group",
                "a=rtpmap:96 VP8/90000\r\na=ssrc-group").replace("SAVPF 100 101 98 99", "SAVPF 100 101 98 99 96")), true, 100).get(1).codec());

        String play = vp9Only.replace("a=sendonly", "a=recvonly");
        List<Negotiation.Line> vp9Play = Negotiation.negotiate(SdpOffer.parse(play), false, 100, Codec.VP9);
        assertEquals(Codec.VP9, vp9Play.get(1).codec());
        assertEquals(98, vp9Play.get(1).chosen().pt());
        SdpException e = assertThrows(SdpException.class, () -> Negotiation.negotiate(SdpOffer.parse(
                play.replace("a=fmtp:98 profile-id=0", "a=fmtp:98 profile-id=1").replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 ilbc/8000")),
                false, 100, Codec.VP9));
        assertTrue(e.getMessage().contains("VP9 (profile 0)"), e.getMessage());
    }

    @Test
    void av1Profile0IsPublishedWhenOfferedAloneAndPlayedToPlayersOfAnAv1Publish() {
        // Chromium's AV1 receive capabilities list profile 0 and profile 1 (4:4:4)
        String av1Only = CHROMIUM.replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 47 48 45 46")
                .replaceAll("a=(rtpmap|rtcp-fb|fmtp):(96|97|102|103) [^\r]*\r\n", "")
                .replace("a=ssrc-group", "a=rtpmap:47 AV1/90000\r\na=fmtp:47 level-idx=5;profile=1;tier=0\r\na=rtcp-fb:47 nack\r\n"
                        + "a=rtpmap:48 rtx/90000\r\na=fmtp:48 apt=47\r\n"
                        + "a=rtpmap:45 AV1/90000\r\na=fmtp:45 level-idx=5;profile=0;tier=0\r\na=rtcp-fb:45 nack\r\na=rtcp-fb:45 nack pli\r\n"
                        + "a=rtpmap:46 rtx/90000\r\na=fmtp:46 apt=45\r\na=ssrc-group");
        List<Negotiation.Line> pub = Negotiation.negotiate(SdpOffer.parse(av1Only), true, 100);
        assertEquals(Codec.AV1, pub.get(1).codec());
        assertEquals(45, pub.get(1).chosen().pt(), "profile 0, not the 4:4:4 profile 1");
        String answer = SdpAnswer.write(pub, "u", "p", new byte[32], List.of(), "c", "s", 1, false, true);
        assertTrue(answer.contains("a=rtpmap:45 AV1/90000\r\n"), answer);
        // VP9 before AV1
        assertEquals(Codec.VP9, Negotiation.negotiate(SdpOffer.parse(av1Only.replace("a=ssrc-group",
                "a=rtpmap:98 VP9/90000\r\na=ssrc-group").replace("SAVPF 47 48 45 46", "SAVPF 47 48 45 46 98")), true, 100).get(1).codec());

        String play = av1Only.replace("a=sendonly", "a=recvonly");
        List<Negotiation.Line> av1Play = Negotiation.negotiate(SdpOffer.parse(play), false, 100, Codec.AV1);
        assertEquals(Codec.AV1, av1Play.get(1).codec());
        assertEquals(45, av1Play.get(1).chosen().pt());
        SdpException e = assertThrows(SdpException.class, () -> Negotiation.negotiate(SdpOffer.parse(
                play.replace("profile=0;", "profile=2;").replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 ilbc/8000")),
                false, 100, Codec.AV1));
        assertTrue(e.getMessage().contains("AV1 (profile 0)"), e.getMessage());
    }

    @Test
    void aPlayAnswerAddsRtxWhereTheBrowserOffersIt() {
        String play = CHROMIUM.replace("a=sendonly", "a=recvonly");
        List<Negotiation.Line> lines = Negotiation.negotiate(SdpOffer.parse(play), false, 100, Codec.VP8);
        long video = lines.get(1).sendSsrc();
        String answer = SdpAnswer.write(lines, "uf", "pw", new byte[32], List.of(), "c", "s", 1, false, true);
        assertTrue(answer.contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"), answer);
        assertTrue(answer.contains("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), answer);
        assertTrue(answer.contains("a=ssrc-group:FID " + video + " " + Rtx.ssrcFor(video) + "\r\n"), answer);
        assertTrue(answer.contains("a=ssrc:" + Rtx.ssrcFor(video) + " cname:c\r\n"), answer);
        assertFalse(answer.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111 "), "no RTX for audio");
        // H.264 103 has no rtx in this offer: none in the answer
        String h264 = SdpAnswer.write(Negotiation.negotiate(SdpOffer.parse(play), false, 100), "uf", "pw", new byte[32],
                List.of(), "c", "s", 1, false, true);
        assertFalse(h264.contains("rtx"), h264);
        assertFalse(h264.contains("ssrc-group"), h264);
        // not asked for (the SFU's subscribers resend without RTX): none
        assertFalse(SdpAnswer.write(lines, "uf", "pw", new byte[32], List.of(), "c", "s", 1).contains("rtx"));
    }

    @Test
    void playAnswerSignalsOurSsrcs() {
        String offer = CHROMIUM.replace("a=sendonly", "a=recvonly");
        List<Negotiation.Line> lines = Negotiation.negotiate(SdpOffer.parse(offer), false, 500);
        String answer = SdpAnswer.write(lines, "uf", "pw", new byte[32], List.of(), "c", "s", 1);
        assertTrue(answer.contains("a=ssrc:500 cname:c\r\n"));
        assertTrue(answer.contains("a=ssrc:501 cname:c\r\n"));
        assertTrue(answer.contains("a=sendonly\r\n"));
    }

    @Test
    void wrongDirectionIsRefused() {
        SdpOffer recvOnly = SdpOffer.parse(CHROMIUM.replace("a=sendonly", "a=recvonly"));
        SdpException e = assertThrows(SdpException.class, () -> Negotiation.negotiate(recvOnly, true, 1));
        assertTrue(e.getMessage().contains("sends no"));
    }

    @Test
    void malformedOffersNameTheProblem() {
        assertMessage("", "empty");
        assertMessage("hello", "v=0");
        assertMessage("v=0\r\ns=-\r\n", "no m-line");
        assertMessage(CHROMIUM.replace("a=ice-ufrag:Ab1x", "a=x:y"), "ice-ufrag");
        assertMessage(CHROMIUM.replace("a=fingerprint:" + FP, "a=x:y"), "fingerprint");
        assertMessage(CHROMIUM.replace(FP, "sha-1 AB:CD"), "sha-1");
        assertMessage(CHROMIUM.replace("a=rtpmap:111 opus", "a=rtpmap:xx opus"), "payload type");
        assertMessage(CHROMIUM.replace("a=ssrc:2222", "a=ssrc:99999999999"), "SSRC");
        assertMessage("v=0\r\n" + "a=".repeat(40_000), "larger");
        assertMessage(CHROMIUM.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "m=audio 9"), "m-line");
    }

    private static void assertMessage(String sdp, String expected) {
        SdpException e = assertThrows(SdpException.class, () -> SdpOffer.parse(sdp));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
