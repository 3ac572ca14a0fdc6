package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdpMediaTest {
    static final String SIPP = "v=0\r\no=sipp 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 16000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

    @Test
    void slashOnlyFieldsAreRefusedNotThrown() {
        // fuzz findings: "a=rtpmap:97 /", "m=audio / ...", "c=IN IP4 /" used to throw ArrayIndexOutOfBounds
        String base = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %s RTP/AVP 0 97\r\na=rtpmap:97 %s\r\n";
        SdpMedia badRtpmap = SdpMedia.parse(String.format(base, "127.0.0.1", "4000", "/"));
        assertEquals(4000, badRtpmap.port());
        assertTrue(badRtpmap.formats().stream().noneMatch(f -> f.payloadType() == 97), badRtpmap.formats().toString());
        assertNull(SdpMedia.parse(String.format(base, "127.0.0.1", "/", "opus/48000/2")), "no port: no media");
        assertEquals("", SdpMedia.parse(String.format(base, "/", "4000", "opus/48000/2")).address());
    }

    @Test
    void parsesAnAnswer() {
        SdpMedia m = SdpMedia.parse(SIPP);
        assertEquals("10.0.0.1", m.address());
        assertEquals(16000, m.port());
        assertEquals("PCMU", m.chooseCodec().encoding());
        assertEquals(101, m.telephoneEvent().payloadType());
        assertEquals("0-15", m.telephoneEvent().fmtp());
        assertFalse(m.isHold());
    }

    @Test
    void staticTypesWithoutRtpmapAndMediaLevelAddressAndHold() {
        String sdp = "v=0\nc=IN IP4 1.1.1.1\nm=video 5000 RTP/AVP 96\nc=IN IP4 9.9.9.9\nm=audio 7000 RTP/AVP 18 8\n"
                + "c=IN IP4 2.2.2.2\na=sendonly\n";
        SdpMedia m = SdpMedia.parse(sdp);
        assertEquals("2.2.2.2", m.address());
        assertEquals(7000, m.port());
        assertEquals("PCMA", m.chooseCodec().encoding(), "G.729 first but not ours");
        assertEquals(8, m.chooseCodec().payloadType());
        assertTrue(m.isHold());
        assertTrue(SdpMedia.parse("v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n").isHold());
    }

    @Test
    void noCommonCodecAndBrokenBodies() {
        assertNull(SdpMedia.parse("v=0\nc=IN IP4 1.1.1.1\nm=audio 7000 RTP/AVP 18\n").chooseCodec());
        assertNull(SdpMedia.parse(null));
        assertNull(SdpMedia.parse(""));
        assertNull(SdpMedia.parse("garbage\u0000\n=\nm=audio x RTP/AVP 0"));
        assertNull(SdpMedia.parse("v=0\nm=audio 7000 RTP/AVP 0\n"), "no address");
        assertNull(SdpMedia.parse("v=0\nc=IN IP4 1.1.1.1\nm=audio 99999 RTP/AVP 0\n"), "bad port");
        assertNull(SdpMedia.parse("x".repeat(SdpMedia.MAX_BYTES + 1)));
    }

    @Test
    void writesWhatItParses() {
        String sdp = SdpMedia.write("127.0.0.1", 31000, List.of(RtpFormat.PCMU, RtpFormat.PCMA, RtpFormat.TELEPHONE_EVENT),
                "sendrecv", 42, 1);
        SdpMedia m = SdpMedia.parse(sdp);
        assertEquals(31000, m.port());
        assertEquals(3, m.formats().size());
        assertEquals("PCMU", m.chooseCodec().encoding());
        assertNotNull(m.telephoneEvent());
        assertTrue(sdp.contains("o=estuary 42 1 IN IP4 127.0.0.1\r\n"));
    }

    @Test
    void wideBandCodecsFollowThePeersOrderAndOurList() {
        String baresip = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 20000 RTP/AVP 96 9 0\r\n"
                + "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 stereo=1;sprop-stereo=1\r\na=rtpmap:9 G722/8000\r\n";
        SdpMedia m = SdpMedia.parse(baresip);
        RtpFormat opus = m.chooseCodec();
        assertEquals("opus", opus.encoding());
        assertEquals(96, opus.payloadType(), "the peer's dynamic payload type");
        assertEquals(RtpFormat.OPUS.fmtp(), opus.fmtp(), "our fmtp: what we want to receive");
        assertEquals(48000, opus.audioRate());
        RtpFormat g722 = m.chooseCodec(RtpFormat.parseList("g722, PCMU"));
        assertEquals("G722", g722.encoding());
        assertEquals(8000, g722.clockRate(), "RFC 3551: G.722's RTP clock is 8000");
        assertEquals(16000, g722.audioRate(), "but its audio is 16 kHz");
        assertEquals("PCMU", m.chooseCodec(RtpFormat.parseList("PCMU")).encoding());
        assertNull(m.chooseCodec(RtpFormat.parseList("PCMA")));
        assertEquals("G722", SdpMedia.parse("v=0\nc=IN IP4 1.1.1.1\nm=audio 7000 RTP/AVP 9\n").chooseCodec().encoding(),
                "static type 9 without rtpmap");
    }

    @Test
    void codecListsAreChecked() {
        assertEquals(List.of(RtpFormat.OPUS, RtpFormat.PCMA), RtpFormat.parseList(" OPUS ,pcma"));
        assertThrows(IllegalArgumentException.class, () -> RtpFormat.parseList("PCMU,G729"));
        assertThrows(IllegalArgumentException.class, () -> RtpFormat.parseList("PCMU,pcmu"));
        assertThrows(IllegalArgumentException.class, () -> RtpFormat.parseList(" , "));
    }

    @Test
    void videoLineIsReadApartFromAudioAndH264NeedsPacketizationMode1() {
        String sdp = "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 97 98\r\n"
                + "c=IN IP4 10.0.0.2\r\na=rtpmap:97 H264/90000\r\na=fmtp:97 profile-level-id=42e01f\r\n"
                + "a=rtpmap:98 H264/90000\r\na=fmtp:98 profile-level-id=42e01f; packetization-mode=1\r\na=sendonly\r\n";
        assertEquals(4000, SdpMedia.parse(sdp).port());
        assertEquals("10.0.0.1", SdpMedia.parse(sdp).address());
        SdpMedia v = SdpMedia.parseVideo(sdp);
        assertEquals(4002, v.port());
        assertEquals("10.0.0.2", v.address(), "media-level c= of the video line");
        assertEquals("sendonly", v.direction());
        RtpFormat h264 = v.chooseH264();
        assertEquals(98, h264.payloadType(), "97 is packetization-mode 0 (absent): skipped");
        assertNull(SdpMedia.parseVideo("v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 4000 RTP/AVP 0\r\n"));
        String ours = SdpMedia.write("127.0.0.1", 5000, List.of(RtpFormat.PCMU), "sendrecv", 1, 1, 5002, List.of(RtpFormat.H264));
        assertTrue(ours.contains("m=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\n"), ours);
        assertEquals(5000, SdpMedia.parse(ours).port());
        assertEquals(96, SdpMedia.parseVideo(ours).chooseH264().payloadType());
        assertFalse(SdpMedia.write("127.0.0.1", 5000, List.of(RtpFormat.PCMU), "sendrecv", 1, 1).contains("m=video"));
    }
}
