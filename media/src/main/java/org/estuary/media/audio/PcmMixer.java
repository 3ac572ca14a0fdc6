package org.estuary.media.audio;

/** Mixing of planar float PCM with per-input gain and hard clipping to -1..1. */
public final class PcmMixer {
    private PcmMixer() { }

    /**
     * {@code base * baseGain + extra * extraGain}, as long as {@code base}; a shorter
     * {@code extra} counts as silence past its end. Both must have the same channel count.
     */
    public static float[][] mix(float[][] base, float baseGain, float[][] extra, float extraGain) {
        if (base.length != extra.length) {
            throw new IllegalArgumentException("channel counts differ: " + base.length + " vs " + extra.length);
        }
        float[][] out = new float[base.length][];
        for (int c = 0; c < base.length; c++) {
            int n = base[c].length;
            float[] o = new float[n];
            float[] e = extra[c];
            for (int i = 0; i < n; i++) {
                float v = base[c][i] * baseGain + (i < e.length ? e[i] * extraGain : 0f);
                o[i] = v > 1f ? 1f : (v < -1f ? -1f : v);
            }
            out[c] = o;
        }
        return out;
    }

    /** A decibel gain as a linear factor (-6 dB is about 0.5). */
    public static float dbToGain(double db) {
        return (float) Math.pow(10, db / 20);
    }
}
