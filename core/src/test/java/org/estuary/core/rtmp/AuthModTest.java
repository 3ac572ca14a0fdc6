package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values computed separately (Python hashlib) from FFmpeg's rtmpproto.c description of the two schemes. */
class AuthModTest {
    private static final String NEED_AUTH = "[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : ";
    private static final String CHALLENGE = "[ AccessManager.Reject ] : [ authmod=adobe ] : "
            + "?reason=needauth&user=alice&salt=SALT&challenge=CH1&opaque=OPQ";

    @Test
    void adobeResponseMatchesTheReferenceComputation() {
        assertEquals("Qq/BE3Ikd0fdg24ild3c5g==", AuthMod.adobeResponse("alice", "pw", "SALT", "OPQ", "0000abcd"));
    }

    @Test
    void llnwResponseMatchesTheReferenceComputation() {
        assertEquals("45a0de5f721eb3e6f22784ea8cea5558", AuthMod.llnwResponse("alice", "pw", "live", "N1", "0000abcd"));
    }

    @Test
    void firstRefusalAnnouncesTheUserWithoutThePassword() {
        Map<String, String> q = AuthMod.next(NEED_AUTH, "alice", "pw", "live");
        assertEquals(Map.of("authmod", "adobe", "user", "alice"), q);
    }

    @Test
    void challengeIsAnsweredWithTheOpaqueAndAFreshClientChallenge() {
        Map<String, String> q = AuthMod.next(CHALLENGE, "alice", "pw", "live");
        assertNotNull(q);
        assertEquals("adobe", q.get("authmod"));
        assertEquals("OPQ", q.get("opaque"));
        assertTrue(q.get("challenge").matches("[0-9a-f]{8}"), q.toString());
        assertEquals(AuthMod.adobeResponse("alice", "pw", "SALT", "OPQ", q.get("challenge")), q.get("response"));
        assertFalse(q.containsValue("pw"), "the password never travels");
    }

    @Test
    void failuresAndPlainRefusalsAreNotChallenges() {
        assertNull(AuthMod.next("[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=authfailed&opaque=x", "alice", "pw", "live"));
        assertNull(AuthMod.next("Connection rejected", "alice", "pw", "live"));
        assertNull(AuthMod.next(NEED_AUTH, null, null, "live"), "no credentials in the URL");
        Map<String, String> llnw = AuthMod.next("[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=needauth&nonce=N1",
                "alice", "pw", "live");
        assertEquals("N1", llnw.get("nonce"));
        assertEquals(AuthMod.llnwResponse("alice", "pw", "live", "N1", llnw.get("cnonce")), llnw.get("response"));
    }
}
