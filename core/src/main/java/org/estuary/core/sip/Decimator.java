package org.estuary.core.sip;

/**
 * 16 kHz → 8 kHz for one stream of 16-bit samples: a 31-tap windowed-sinc low-pass (cut-off
 * 3.6 kHz, so nothing above 4 kHz folds back into the band) keeping every other output. Pure Java
 * and a few thousand multiply-adds per 20 ms: cheap enough for the event loop that sends G.711,
 * where an FFmpeg resampler may not run. Keeps its history across calls so packet edges are seamless.
 */
public final class Decimator {
    private static final int TAPS = 31;
    private static final float[] H = taps();
    private final float[] history = new float[TAPS - 1];

    private static float[] taps() {
        float[] h = new float[TAPS];
        double cutoff = 3600.0 / 16000; // normalised to the input rate
        double sum = 0;
        int mid = TAPS / 2;
        for (int i = 0; i < TAPS; i++) {
            int k = i - mid;
            double sinc = k == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
            double window = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (TAPS - 1)); // Hamming
            h[i] = (float) (sinc * window);
            sum += h[i];
        }
        for (int i = 0; i < TAPS; i++) {
            h[i] /= (float) sum; // unity gain at DC
        }
        return h;
    }

    /** Halves {@code in} (an even number of samples at 16 kHz) into {@code out} (in.length / 2 samples). */
    public void decimate(short[] in, short[] out) {
        if (in.length != 2 * out.length) {
            throw new IllegalArgumentException("in must be twice out: " + in.length + " vs " + out.length);
        }
        int hist = history.length;
        for (int o = 0; o < out.length; o++) {
            int end = 2 * o; // newest input sample index of this output
            double acc = 0;
            for (int t = 0; t < TAPS; t++) {
                int idx = end - t;
                float x = idx >= 0 ? in[idx] : history[hist + idx];
                acc += H[t] * x;
            }
            out[o] = (short) Math.max(-32768, Math.min(32767, Math.round(acc)));
        }
        // keep the last TAPS-1 inputs for the next call
        if (in.length >= hist) {
            for (int i = 0; i < hist; i++) {
                history[i] = in[in.length - hist + i];
            }
        } else {
            System.arraycopy(history, in.length, history, 0, hist - in.length);
            for (int i = 0; i < in.length; i++) {
                history[hist - in.length + i] = in[i];
            }
        }
    }
}
