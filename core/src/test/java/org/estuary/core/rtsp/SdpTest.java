package org.estuary.core.rtsp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SdpTest {
    // as GStreamer's rtsp-server describes H.264 + AAC, plus a static-payload PCMA track
    static final String SDP = String.join("\r\n",
            "v=0",
            "o=- 1188340656180883 1 IN IP4 127.0.0.1",
            "s=Session streamed with GStreamer",
            "t=0 0",
            "a=control:*",
            "m=video 0 RTP/AVP 96",
            "c=IN IP4 0.0.0.0",
            "a=rtpmap:96 H264/90000",
            "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkAoC/5YQAAAwABAAADADIPFi5I,aMuMsg==;profile-level-id=42c01e",
            "a=control:stream=0",
            "m=audio 0 RTP/AVP 97",
            "a=rtpmap:97 MPEG4-GENERIC/48000/2",
            "a=fmtp:97 streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3",
            "a=control:stream=1",
            "m=audio 0 RTP/AVP 8",
            "a=control:rtsp://other/track3",
            "m=bogus",
            "m=audio 0 RTP/AVP xx",
            "a=rtpmap:xx foo/1",
            "");

    @Test
    void parsesTracksWithFmtpAndClockRates() {
        Sdp sdp = Sdp.parse(SDP);
        assertEquals("*", sdp.control());
        assertEquals(3, sdp.media().size());
        Sdp.Media v = sdp.media().get(0);
        assertEquals("video", v.type());
        assertEquals(96, v.payloadType());
        assertEquals("H264", v.encoding());
        assertEquals(90000, v.clockRate());
        assertEquals("Z0LAHtkAoC/5YQAAAwABAAADADIPFi5I,aMuMsg==", v.fmtp("sprop-parameter-sets"));
        assertEquals("stream=0", v.control());
        Sdp.Media a = sdp.media().get(1);
        assertEquals("MPEG4-GENERIC", a.encoding());
        assertEquals(48000, a.clockRate());
        assertEquals(2, a.channels());
        assertEquals("1190", a.fmtp("CONFIG"));
        assertEquals("13", a.fmtp("sizelength"));
        Sdp.Media pcma = sdp.media().get(2);
        assertEquals("PCMA", pcma.encoding());
        assertEquals(8000, pcma.clockRate());
        assertEquals(org.estuary.core.media.Codec.PCMA, RtpTrack.codecOf(pcma));
        assertEquals(org.estuary.core.media.Codec.AAC, RtpTrack.codecOf(a));
    }

    @Test
    void controlUrlsResolveAgainstTheBase() {
        assertEquals("rtsp://h/test/stream=0", Sdp.resolveControl("rtsp://h/test/", "stream=0"));
        assertEquals("rtsp://h/test/stream=0", Sdp.resolveControl("rtsp://h/test", "stream=0"));
        assertEquals("rtsp://other/track3", Sdp.resolveControl("rtsp://h/test", "rtsp://other/track3"));
        assertEquals("rtsp://h/test", Sdp.resolveControl("rtsp://h/test", "*"));
        assertEquals("rtsp://h/test", Sdp.resolveControl("rtsp://h/test", ""));
    }

    @Test
    void garbageGivesNoTracksButNoException() {
        assertTrue(Sdp.parse("not sdp at all\n\u0000\u0001").media().isEmpty());
        assertTrue(Sdp.parse("").media().isEmpty());
    }
}
