package org.estuary.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BitReaderTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 3, 7, 254, 255, 65535, 1L << 31, 0xFFFFFFFEL})
    void unsignedExpGolomb(long v) throws CodecConfigException {
        assertEquals(v, new BitReader(new BitWriter().ue(v).finish()).readUe());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 2, -2, 1000, -1000})
    void signedExpGolomb(long v) throws CodecConfigException {
        assertEquals(v, new BitReader(new BitWriter().se(v).finish()).readSe());
    }

    @Test
    void bitsAndOverrun() throws CodecConfigException {
        BitReader r = new BitReader(new byte[] {(byte) 0xA5, (byte) 0xFF});
        assertEquals(1, r.readBits(1));
        assertEquals(0x25, r.readBits(7));
        assertEquals(0xFF, r.readBits(8));
        assertEquals(0, r.bitsLeft());
        assertThrows(CodecConfigException.class, r::readBit);
        assertThrows(CodecConfigException.class, () -> new BitReader(new byte[4]).readUe()); // all zeros
        assertThrows(CodecConfigException.class, () -> new BitReader(new byte[1]).skipBits(9));
        assertThrows(CodecConfigException.class, () -> new BitReader(new byte[] {0x40}).readUe(0));
    }

    @Test
    void unescape() {
        byte[] in = {0, 0, 3, 1, 0, 0, 3, 0, 0, 3};
        assertArrayEquals(new byte[] {0, 0, 1, 0, 0, 0, 0}, BitReader.unescapeRbsp(in, 0, in.length));
        assertArrayEquals(new byte[] {1, 2}, BitReader.unescapeRbsp(new byte[] {9, 1, 2}, 1, 2));
    }
}
