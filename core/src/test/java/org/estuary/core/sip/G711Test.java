package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class G711Test {
    @Test
    void everyCodeDecodesAndEncodesBackToItself() {
        for (int b = 0; b < 256; b++) {
            short u = G711.decodeUlaw(b);
            int back = G711.encodeUlaw(u) & 0xFF;
            // mu-law has two codes for zero (0x7F and 0xFF)
            assertTrue(back == b || (u == 0 && (back == 0x7F || back == 0xFF)), "ulaw " + b + " -> " + u + " -> " + back);
            short a = G711.decodeAlaw(b);
            assertEquals(b, G711.encodeAlaw(a) & 0xFF, "alaw " + b + " -> " + a);
        }
    }

    @Test
    void quantisationErrorIsSmallRelativeToTheSample() {
        for (int s = -32768; s <= 32767; s += 7) {
            int u = G711.decodeUlaw(G711.encodeUlaw(s));
            int a = G711.decodeAlaw(G711.encodeAlaw(s));
            int tolerance = Math.max(16, Math.abs(s) / 16);
            assertTrue(Math.abs(u - s) <= tolerance * 2, "ulaw " + s + " -> " + u);
            assertTrue(Math.abs(a - s) <= tolerance * 2, "alaw " + s + " -> " + a);
        }
    }

    @Test
    void knownValues() {
        assertEquals((byte) 0xFF, G711.encodeUlaw(0));
        assertEquals((byte) 0xD5, G711.encodeAlaw(0));
        assertEquals(-32124, G711.decodeUlaw(0x00));
        assertEquals(32124, G711.decodeUlaw(0x80));
    }
}
