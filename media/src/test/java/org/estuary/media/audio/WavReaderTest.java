package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WavReaderTest {

    /** A canonical WAV: RIFF header, fmt chunk (with an extra LIST chunk before data), data. */
    static byte[] wav(int format, int channels, int rate, int bits, byte[] data, boolean extraChunk) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        o.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(le32(0));
        o.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes("fmt ".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(le32(16));
        o.writeBytes(fmt.array());
        if (extraChunk) {
            o.writeBytes("LIST".getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(le32(3));
            o.writeBytes(new byte[] {1, 2, 3, 0}); // odd length + pad byte
        }
        o.writeBytes("data".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(le32(data.length));
        o.writeBytes(data);
        return o.toByteArray();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void reads16BitStereo() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) 16384).putShort((short) -32768).putShort((short) 0).putShort((short) 32767);
        WavAudio a = WavReader.parse(wav(1, 2, 44100, 16, d.array(), true));
        assertEquals(44100, a.sampleRate());
        assertEquals(2, a.channels());
        assertEquals(2, a.frames());
        assertArrayEquals(new float[] {0.5f, 0f}, a.samples()[0], 1e-4f);
        assertArrayEquals(new float[] {-1f, 1f}, a.samples()[1], 1e-4f);
    }

    @Test
    void reads8Bit24BitAndFloat() throws Exception {
        assertEquals(0.5f, WavReader.parse(wav(1, 1, 8000, 8, new byte[] {(byte) 192}, false)).samples()[0][0], 1e-2f);
        assertEquals(-0.5f, WavReader.parse(wav(1, 1, 8000, 24, new byte[] {0, 0, (byte) 0xC0}, false)).samples()[0][0], 1e-6f);
        byte[] f = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).array();
        assertEquals(0.25f, WavReader.parse(wav(3, 1, 48000, 32, f, false)).samples()[0][0], 1e-6f);
    }

    @Test
    void malformedFilesFailWithAReason() {
        byte[] good = wav(1, 1, 8000, 16, new byte[] {1, 0, 2, 0}, false);
        assertReason("not a RIFF WAVE", "ID3\u0003 garbage".getBytes(StandardCharsets.US_ASCII));
        assertReason("not a RIFF WAVE", new byte[5]);
        assertReason("no data chunk", Arrays.copyOf(good, 36));
        assertReason("fmt chunk truncated", Arrays.copyOf(good, 26));
        assertReason("unsupported WAV encoding 85", wav(0x55, 1, 8000, 16, new byte[4], false));
        assertReason("unsupported 12-bit PCM", wav(1, 1, 8000, 12, new byte[4], false));
        assertReason("unsupported sample rate", wav(1, 1, 1000, 16, new byte[4], false));
        assertReason("unsupported channel count", wav(1, 0, 8000, 16, new byte[4], false));
        assertReason("no samples", wav(1, 1, 8000, 16, new byte[0], false));
    }

    @Test
    void truncatedDataIsReadAsFarAsItGoes() throws Exception {
        byte[] good = wav(1, 1, 8000, 16, new byte[] {0, 64, 0, 64, 0, 64}, false);
        WavAudio a = WavReader.parse(Arrays.copyOf(good, good.length - 2));
        assertEquals(2, a.frames());
    }

    private static void assertReason(String expected, byte[] bytes) {
        WavFormatException e = assertThrows(WavFormatException.class, () -> WavReader.parse(bytes));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
