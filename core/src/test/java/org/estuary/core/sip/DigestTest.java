package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void rfc2617ExampleWithQop() {
        // RFC 2617 §3.5
        String r = Digest.response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        assertEquals("6629fae49393a05397450978507c4ef1", r);
        assertTrue(Digest.matches(r, "6629FAE49393A05397450978507C4EF1"));
    }

    @Test
    void withoutQopAndWrongPasswords() {
        String ha1 = Digest.md5("alice:estuary:pw");
        String ha2 = Digest.md5("INVITE:sip:s@h");
        assertEquals(Digest.md5(ha1 + ":n1:" + ha2), Digest.response("alice", "estuary", "pw", "INVITE", "sip:s@h",
                "n1", null, null, null));
        String good = Digest.response("alice", "estuary", "pw", "INVITE", "sip:s@h", "n1", "", "", "");
        assertFalse(Digest.matches(good, Digest.response("alice", "estuary", "pW", "INVITE", "sip:s@h", "n1", "", "", "")));
        assertFalse(Digest.matches(good, null));
        assertFalse(Digest.matches(good, "short"));
    }
}
