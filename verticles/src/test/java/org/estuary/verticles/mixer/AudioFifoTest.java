package org.estuary.verticles.mixer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AudioFifoTest {

    private static float[][] ramp(int from, int n) {
        float[][] pcm = new float[2][n];
        for (int i = 0; i < n; i++) {
            pcm[0][i] = from + i;
            pcm[1][i] = -(from + i);
        }
        return pcm;
    }

    @Test
    void silenceUntilPrimedThenInOrder() {
        AudioFifo f = new AudioFifo(2, 100, 1000, 1000);
        f.write(ramp(1, 50));
        assertEquals(0f, f.read(10)[0][0]);        // not primed: silence, nothing consumed
        assertEquals(50, f.size());
        f.write(ramp(51, 60));
        float[][] out = f.read(20);
        assertEquals(1f, out[0][0]);
        assertEquals(20f, out[0][19]);
        assertEquals(-20f, out[1][19]);
        assertEquals(90, f.size());
    }

    @Test
    void runningDryPadsWithSilenceAndReprimes() {
        AudioFifo f = new AudioFifo(2, 10, 1000, 1000);
        f.write(ramp(1, 15));
        float[][] out = f.read(20);
        assertEquals(15f, out[0][14]);
        assertEquals(0f, out[0][15]);
        f.write(ramp(100, 5));
        assertEquals(0f, f.read(5)[0][0]);         // waits for 10 again
    }

    @Test
    void aBacklogIsCutBackToTheCushion() {
        AudioFifo f = new AudioFifo(2, 10, 30, 1000);
        f.write(ramp(1, 25));
        assertEquals(1f, f.read(5)[0][0]);          // under the trim threshold: nothing dropped
        f.write(ramp(26, 40));                      // 60 waiting: over 30, cut to the newest 10
        float[][] out = f.read(5);
        assertEquals(56f, out[0][0]);
        assertEquals(5, f.size());
        assertEquals(50, f.droppedSamples());
    }

    @Test
    void overflowDropsTheOldest() {
        AudioFifo f = new AudioFifo(2, 1, 100, 100);
        f.write(ramp(1, 80));
        f.write(ramp(81, 50));
        assertEquals(100, f.size());
        assertEquals(30, f.droppedSamples());
        assertEquals(31f, f.read(1)[0][0]);
        f.write(ramp(1000, 500));                  // a block larger than the buffer keeps its newest part
        assertEquals(100, f.size());
        assertEquals(1400f, f.read(1)[0][0]);
    }
}
