package org.estuary.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HevcConfigTest {

    /** Main profile 1920x1080 (1088 coded, conformance window 4 chroma lines at the bottom). */
    static byte[] sps1080p(int subLayersMinus1) {
        BitWriter w = new BitWriter();
        w.u(4, 0).u(3, subLayersMinus1).u(1, 1);
        w.u(2, 0).u(1, 0).u(5, 1).u(32, 0x60000000L).u(4, 0b1001).u(32, 0).u(12, 0).u(8, 123); // general PTL
        for (int i = 0; i < subLayersMinus1; i++) {
            w.u(1, 1).u(1, 1);
        }
        if (subLayersMinus1 > 0) {
            w.u(2 * (8 - subLayersMinus1), 0);
        }
        for (int i = 0; i < subLayersMinus1; i++) {
            w.u(32, 0).u(32, 0).u(24, 0).u(8, 90); // sub-layer profile (88 bits) + level
        }
        w.ue(0).ue(1).ue(1920).ue(1088).u(1, 1).ue(0).ue(0).ue(0).ue(4);
        w.ue(0).ue(0); // bit depths: whatever follows is not read
        return BitWriter.nal(new byte[] {0x42, 0x01}, w.finish());
    }

    static byte[] record(byte[] sps) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(1);
        o.write(0x01); // profile space 0, tier 0, Main
        o.writeBytes(new byte[] {0x60, 0, 0, 0}); // compatibility
        o.writeBytes(new byte[6]); // constraint flags
        o.write(123); // level 4.1
        o.writeBytes(new byte[] {(byte) 0xF0, 0, (byte) 0xFC, (byte) 0xFD, (byte) 0xF8, (byte) 0xF8, 0, 0});
        o.write(0x0F); // length size 4
        o.write(3); // arrays
        byte[][] nals = {{0x40, 0x01, 0x0C}, sps, {0x44, 0x01, (byte) 0xC1}};
        int[] types = {32, 33, 34};
        for (int i = 0; i < 3; i++) {
            o.write(0x80 | types[i]);
            o.write(0);
            o.write(1);
            o.write(nals[i].length >>> 8);
            o.write(nals[i].length);
            o.writeBytes(nals[i]);
        }
        return o.toByteArray();
    }

    @Test
    void parsesRecordAndSize() throws CodecConfigException {
        for (int subLayers = 0; subLayers < 3; subLayers++) {
            HevcConfig c = HevcConfig.parse(record(sps1080p(subLayers)));
            assertEquals(1, c.profileIdc());
            assertEquals(123, c.levelIdc());
            assertEquals(4, c.nalLengthSize());
            assertEquals(1, c.vps().size());
            assertEquals(1, c.sps().size());
            assertEquals(1, c.pps().size());
            assertEquals(1920, c.width(), "sub layers " + subLayers);
            assertEquals(1080, c.height());
        }
    }

    @Test
    void unreadableSpsLeavesSizeZero() throws CodecConfigException {
        HevcConfig c = HevcConfig.parse(record(new byte[] {0x42, 0x01, 0x01}));
        assertEquals(0, c.width());
        assertEquals(1, c.sps().size());
    }

    @Test
    void truncatedRecordFails() {
        byte[] r = record(sps1080p(0));
        for (int len = 0; len < r.length; len++) {
            byte[] cut = Arrays.copyOf(r, len);
            assertThrows(CodecConfigException.class, () -> HevcConfig.parse(cut), "len " + len);
        }
    }
}
