package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtxTest {
    private static byte[] packet(boolean extension) {
        byte[] ext = extension ? new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 1, 0x10, 0x55, 0, 0} : new byte[0];
        byte[] p = new byte[12 + ext.length + 5];
        p[0] = (byte) (0x80 | (extension ? 0x10 : 0));
        p[1] = (byte) (0x80 | 102); // marker, PT 102
        p[2] = (byte) 0xAB; // seq 0xABCD
        p[3] = (byte) 0xCD;
        p[4] = 1; // timestamp
        p[7] = 2;
        p[8] = 0x11; // SSRC 0x11223344
        p[9] = 0x22;
        p[10] = 0x33;
        p[11] = 0x44;
        System.arraycopy(ext, 0, p, 12, ext.length);
        for (int i = 0; i < 5; i++) {
            p[12 + ext.length + i] = (byte) (i + 1);
        }
        return p;
    }

    @Test
    void wrapsWithTheOriginalSequenceNumberAndRoundTrips() {
        for (boolean ext : new boolean[] {false, true}) {
            byte[] p = packet(ext);
            byte[] r = Rtx.wrap(p, p.length, 103, 7, 0xCAFEBABEL);
            assertEquals(p.length + 2, r.length);
            assertEquals(0x80 | 103, r[1] & 0xFF, "marker kept, RTX payload type");
            assertEquals(7, ((r[2] & 0xFF) << 8) | (r[3] & 0xFF));
            assertEquals(0xCA, r[8] & 0xFF);
            int header = ext ? 20 : 12;
            assertEquals(0xAB, r[header] & 0xFF, "OSN first");
            assertEquals(0xCD, r[header + 1] & 0xFF);
            assertEquals(1, r[header + 2]);
            assertEquals(2, r[7], "same timestamp");
            assertArrayEquals(p, Rtx.unwrap(r, r.length, 102, 0x11223344L));
        }
    }

    @Test
    void refusesBrokenPackets() {
        assertNull(Rtx.wrap(new byte[5], 5, 103, 0, 1));
        byte[] p = packet(true);
        assertNull(Rtx.wrap(p, 14, 103, 0, 1), "extension cut short");
        byte[] notV2 = packet(false);
        notV2[0] = 0;
        assertNull(Rtx.wrap(notV2, notV2.length, 103, 0, 1));
        assertNull(Rtx.unwrap(new byte[13], 13, 102, 1));
    }

    @Test
    void findsTheRtxPayloadTypeOfACodecAndAFixedSsrc() {
        SdpOffer o = SdpOffer.parse(SdpOfferTest.CHROMIUM);
        SdpOffer.Media video = o.media().get(1);
        assertEquals(97, Rtx.payloadTypeFor(video, 96).pt());
        assertNull(Rtx.payloadTypeFor(video, 103), "the sample offers no rtx for 103");
        assertEquals(0x0000_0005L, Rtx.ssrcFor(0xF000_0005L), "wraps at 32 bits");
        assertNotEquals(Rtx.ssrcFor(100), 101);
    }
}
