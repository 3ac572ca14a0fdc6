package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

class AacCodecTest {

    @Test
    void encodeThenDecodeKeepsTheSineFrequency() {
        int rate = 48000;
        float[][] decoded = new float[2][0];
        byte[] asc;
        List<byte[]> aus = new ArrayList<>();
        try (AudioEncoder enc = new AudioEncoder(Codec.AAC, rate, 2, 128_000)) {
            assertEquals(1024, enc.frameSize());
            asc = enc.config();
            assertTrue(asc.length >= 2, "AAC-LC ASC (2 bytes + optional SBR sync extension)");
            // odd block sizes: the encoder must buffer across calls
            float[][] sig = Signals.sine(1000, rate, 2, rate, 0.5);
            for (int pos = 0; pos < rate; pos += 700) {
                int n = Math.min(700, rate - pos);
                float[][] blk = new float[2][n];
                for (int c = 0; c < 2; c++) {
                    System.arraycopy(sig[c], pos, blk[c], 0, n);
                }
                aus.addAll(enc.encode(blk));
            }
            aus.addAll(enc.flush());
        }
        assertTrue(aus.size() >= 46, "one second is about 47 access units: " + aus.size());
        try (AudioDecoder dec = AudioDecoder.aac(asc)) {
            assertEquals(rate, dec.sampleRate());
            assertEquals(2, dec.channels());
            for (byte[] au : aus) {
                decoded = Signals.concat(decoded, dec.decode(au));
            }
        }
        assertTrue(decoded[0].length >= rate, "decoded samples " + decoded[0].length);
        int from = 4096;
        int n = 16384;
        double at1000 = Signals.power(decoded[0], from, n, 1000, rate);
        double at440 = Signals.power(decoded[0], from, n, 440, rate);
        double at3000 = Signals.power(decoded[1], from, n, 3000, rate);
        assertTrue(at1000 > 0.03, "1 kHz survives: " + at1000);
        assertTrue(at1000 > 1000 * at440 && at1000 > 1000 * at3000, at1000 + " vs " + at440 + " / " + at3000);
    }

    @Test
    void silenceEncodesToSilence() {
        try (AudioEncoder enc = new AudioEncoder(Codec.AAC, 44100, 1, 64_000); AudioDecoder dec = AudioDecoder.aac(new byte[] {0x12, 0x08})) {
            List<byte[]> aus = enc.encode(new float[1][4096]);
            aus.addAll(enc.flush());
            float max = 0;
            for (byte[] au : aus) {
                for (float v : dec.decode(au)[0]) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            assertEquals(0f, max, 1e-4f);
        }
    }

    @Test
    void badInputIsAnExceptionNotACrash() {
        assertThrows(MediaException.class, () -> AudioDecoder.aac(new byte[] {1}));
        assertThrows(MediaException.class, () -> new AudioEncoder(Codec.AAC, 1000, 2, 64000));
        try (AudioEncoder enc = new AudioEncoder(Codec.AAC, 48000, 2, 64000)) {
            assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[1][10]));
        }
    }
}
