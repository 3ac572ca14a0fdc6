package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StunTest {
    private static final byte[] TID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    @Test
    void bindingRequestRoundTripsAndVerifies() {
        byte[] req = Stun.bindingRequest(TID, "ourUfrag:theirs", "secretpassword", true);
        assertEquals(PacketKind.STUN, PacketKind.of(req, req.length));
        Stun.BindingRequest r = Stun.parseBindingRequest(req, req.length);
        assertNotNull(r);
        assertEquals("ourUfrag", r.localUfrag());
        assertTrue(r.useCandidate());
        assertTrue(r.controlling());
        assertTrue(r.fingerprintOk());
        assertTrue(Stun.verify(req, r, "secretpassword"));
        assertFalse(Stun.verify(req, r, "wrongpassword"));
    }

    @Test
    void tamperedRequestsFailIntegrityOrFingerprint() {
        byte[] req = Stun.bindingRequest(TID, "u1:u2", "pw", false);
        byte[] bad = req.clone();
        bad[25] ^= 1; // inside USERNAME
        Stun.BindingRequest r = Stun.parseBindingRequest(bad, bad.length);
        assertNotNull(r);
        assertFalse(r.fingerprintOk());
        assertFalse(Stun.verify(bad, r, "pw"));
    }

    @Test
    void successResponseCarriesXorMappedAddressAndValidFingerprint() {
        Stun.BindingRequest r = Stun.parseBindingRequest(Stun.bindingRequest(TID, "a:b", "pw", true), 0 + Stun.bindingRequest(TID, "a:b", "pw", true).length);
        byte[] resp = Stun.bindingSuccess(r, new byte[] {127, 0, 0, 1}, 54321, "pw");
        assertEquals(0x0101, Stun.u16(resp, 0));
        assertEquals(resp.length - 20, Stun.u16(resp, 2));
        // XOR-MAPPED-ADDRESS: port ^ 0x2112, address ^ magic cookie
        assertEquals(0x0020, Stun.u16(resp, 20));
        assertEquals(54321, Stun.u16(resp, 26) ^ 0x2112);
        assertEquals(127, (resp[28] ^ 0x21) & 0xFF);
        assertEquals(1, (resp[31] ^ 0x42) & 0xFF);
        assertArrayEquals(java.util.Arrays.copyOfRange(resp, 8, 20), TID);
    }

    @Test
    void garbageNeverThrows() {
        Random rnd = new Random(7);
        byte[] valid = Stun.bindingRequest(TID, "x:y", "pw", true);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = rnd.nextBoolean() ? valid.clone() : new byte[rnd.nextInt(120)];
            if (b.length == valid.length) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
            } else {
                rnd.nextBytes(b);
            }
            Stun.BindingRequest r = Stun.parseBindingRequest(b, b.length);
            if (r != null) {
                Stun.verify(b, r, "pw");
            }
        }
        assertNull(Stun.parseBindingRequest(new byte[19], 19));
    }
}
