package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DecimatorTest {
    /** RMS of the decimated output of a 16 kHz sine fed in 20 ms packets (after the filter settles). */
    private static double rmsAfter(int hz) {
        Decimator d = new Decimator();
        short[] in = new short[320];
        short[] out = new short[160];
        double sum = 0;
        int n = 0;
        for (int p = 0; p < 20; p++) {
            for (int i = 0; i < in.length; i++) {
                in[i] = (short) (10000 * Math.sin(2 * Math.PI * hz * (p * 320 + i) / 16000.0));
            }
            d.decimate(in, out);
            if (p >= 2) {
                for (short s : out) {
                    sum += (double) s * s;
                    n++;
                }
            }
        }
        return Math.sqrt(sum / n);
    }

    @Test
    void keepsTheVoiceBandAndStopsWhatWouldFoldBack() {
        double in = 10000 / Math.sqrt(2);
        assertEquals(in, rmsAfter(1000), in * 0.05, "1 kHz passes at unity gain across packet edges");
        assertEquals(in, rmsAfter(300), in * 0.05, "300 Hz passes");
        assertTrue(rmsAfter(6000) < in * 0.05, "6 kHz (would alias to 2 kHz) is stopped: " + rmsAfter(6000));
    }

    @Test
    void refusesMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> new Decimator().decimate(new short[320], new short[100]));
    }
}
