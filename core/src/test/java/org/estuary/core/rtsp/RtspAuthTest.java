package org.estuary.core.rtsp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtspAuthTest {
    @Test
    void digestMatchesTheRfc2617Example() {
        RtspAuth.Challenge c = RtspAuth.parse(List.of("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")).get(0);
        String h = RtspAuth.digest("Mufasa", "Circle Of Life", "GET", "/dir/index.html", c, "0a4f113b", 1);
        assertTrue(h.contains("response=\"6629fae49393a05397450978507c4ef1\""), h);
        assertTrue(h.contains("nc=00000001"), h);
        assertTrue(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), h);
    }

    @Test
    void digestWithoutQopUsesTheRfc2069Form() {
        RtspAuth.Challenge c = new RtspAuth.Challenge("Digest", Map.of("realm", "testrealm@host.com",
                "nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093"));
        String h = RtspAuth.digest("Mufasa", "Circle Of Life", "GET", "/dir/index.html", c, "x", 1);
        // MD5(MD5(A1):nonce:MD5(A2)) computed independently
        String ha1 = RtspAuth.md5("Mufasa:testrealm@host.com:Circle Of Life");
        String ha2 = RtspAuth.md5("GET:/dir/index.html");
        assertTrue(h.contains("response=\"" + RtspAuth.md5(ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + ha2) + "\""), h);
        assertFalse(h.contains("qop"));
    }

    @Test
    void parsesSeveralChallengesAndBasic() {
        List<RtspAuth.Challenge> cs = RtspAuth.parse(List.of("Basic realm=\"cam\", Digest realm=\"cam\", nonce=\"n1\", stale=TRUE"));
        assertEquals(2, cs.size());
        assertEquals("Basic", cs.get(0).scheme());
        assertEquals("cam", cs.get(0).param("realm"));
        assertTrue(cs.get(1).isDigest());
        assertEquals("n1", cs.get(1).param("nonce"));
        assertEquals("TRUE", cs.get(1).param("stale"));
        assertEquals("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", RtspAuth.basic("Aladdin", "open sesame"));
        assertTrue(RtspAuth.parse(List.of("", "  ,,")).isEmpty());
    }

    @Test
    void uriCredentialsAreSplitAndRedacted() {
        RtspUri u = RtspUri.parse("rtsp://us%40er:p%3Ass@cam.local:8554/live/ch1?x=1");
        assertEquals("us@er", u.user());
        assertEquals("p:ss", u.password());
        assertEquals("cam.local", u.host());
        assertEquals(8554, u.port());
        assertEquals("rtsp://cam.local:8554/live/ch1?x=1", u.requestUrl());
        assertEquals(554, RtspUri.parse("rtsp://cam/").port());
        assertEquals("rtsp://user:***@h/x", RtspUri.redact("rtsp://user:secret@h/x"));
        assertThrows(IllegalArgumentException.class, () -> RtspUri.parse("http://cam/"));
        assertThrows(IllegalArgumentException.class, () -> RtspUri.parse("rtsp:///nohost"));
        assertThrows(IllegalArgumentException.class, () -> RtspUri.parse("rtsp://bad host/"));
    }
}
