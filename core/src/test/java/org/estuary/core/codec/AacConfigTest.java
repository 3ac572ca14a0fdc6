package org.estuary.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AacConfigTest {

    @ParameterizedTest
    @CsvSource({
        "1210, 2, 44100, 2",
        "1190, 2, 48000, 2",
        "1408, 2, 16000, 1",
        "1588, 2, 8000, 1",
        "12B8, 2, 32000, 7",   // channel config 7 means 8 channels
    })
    void parsesCommonConfigs(String hex, int type, int rate, int channelConfigBits) throws CodecConfigException {
        AacConfig c = AacConfig.parse(java.util.HexFormat.of().parseHex(hex));
        assertEquals(type, c.objectType());
        assertEquals(rate, c.sampleRate());
        assertEquals(channelConfigBits == 7 ? 8 : channelConfigBits, c.channels());
    }

    @Test
    void explicitRateAndEscapedObjectType() throws CodecConfigException {
        byte[] explicit = AacConfig.build(2, 37800, 2);
        assertEquals(5, explicit.length);
        assertEquals(new AacConfig(2, 37800, 2), AacConfig.parse(explicit));
        // object type 31 escape: 31 (5 bits) + 6 bits (42 - 32 = 10) then index 4, channels 1
        BitWriter w = new BitWriter().u(5, 31).u(6, 10).u(4, 4).u(4, 1);
        assertEquals(new AacConfig(42, 44100, 1), AacConfig.parse(w.finish()));
    }

    @Test
    void buildRoundTrip() throws CodecConfigException {
        assertArrayEquals(new byte[] {0x12, 0x10}, AacConfig.build(2, 44100, 2));
        assertEquals(new AacConfig(2, 48000, 8), AacConfig.parse(AacConfig.build(2, 48000, 8)));
    }

    @Test
    void malformed() {
        assertThrows(CodecConfigException.class, () -> AacConfig.parse(new byte[0]));
        assertThrows(CodecConfigException.class, () -> AacConfig.parse(new byte[] {0x12}));
        assertThrows(CodecConfigException.class, () -> AacConfig.parse(new byte[] {0x16, (byte) 0x80})); // reserved index 13
        assertThrows(CodecConfigException.class, () -> AacConfig.parse(new byte[] {0x17, (byte) 0x80}));
    }
}
