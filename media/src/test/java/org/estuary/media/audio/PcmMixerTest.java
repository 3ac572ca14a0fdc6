package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PcmMixerTest {

    @Test
    void mixesWithGainAndClips() {
        float[][] a = {{0.5f, 0.5f, -0.9f, 0.1f}};
        float[][] b = {{0.25f, 1.0f, -0.9f}};
        float[][] m = PcmMixer.mix(a, 1f, b, 0.5f);
        assertArrayEquals(new float[] {0.625f, 1.0f, -1.0f, 0.1f}, m[0], 1e-6f);
    }

    @Test
    void gainScalesTheSecondInputsFrequencyContent() {
        float[][] base = Signals.sine(1000, 48000, 1, 8192, 0.2);
        float[][] tone = Signals.sine(440, 48000, 1, 8192, 0.2);
        float[][] m = PcmMixer.mix(base, 1f, tone, PcmMixer.dbToGain(-6));
        double p1000 = Signals.power(m[0], 0, 8192, 1000, 48000);
        double p440 = Signals.power(m[0], 0, 8192, 440, 48000);
        assertEquals(0.25, p440 / p1000, 0.02, "-6 dB is a quarter of the power");
    }

    @Test
    void channelMismatchIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PcmMixer.mix(new float[2][1], 1, new float[1][1], 1));
    }
}
