package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    @Test
    void from44100To48000KeepsFrequencyAndDuration() {
        float[][] in = Signals.sine(440, 44100, 1, 44100, 0.5);
        float[][] out = Resampler.convertAll(in, 44100, 48000, 2);
        assertEquals(2, out.length);
        assertEquals(48000, out[0].length, 48, "one second stays one second");
        double at440 = Signals.power(out[1], 2000, 32768, 440, 48000);
        double at480 = Signals.power(out[1], 2000, 32768, 480, 48000);
        assertTrue(at440 > 0.02, "440 Hz present (mono spread to stereo at -3 dB): " + at440);
        assertTrue(at440 > 100 * at480, at440 + " vs " + at480);
    }

    @Test
    void blockwiseEqualsTheSignalLength() {
        try (Resampler r = new Resampler(48000, 2, 16000, 1)) {
            int total = 0;
            for (int i = 0; i < 10; i++) {
                total += r.resample(Signals.sine(300, 48000, 2, 4800, 0.3))[0].length;
            }
            total += r.flush()[0].length;
            assertEquals(16000, total, 16);
        }
    }

    @Test
    void rejectsNonsense() {
        assertThrows(MediaException.class, () -> new Resampler(0, 1, 48000, 1));
        assertThrows(MediaException.class, () -> new Resampler(48000, 9, 48000, 1));
    }
}
