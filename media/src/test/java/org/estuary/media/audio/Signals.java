package org.estuary.media.audio;

/** Test signals and a frequency measure (Goertzel power at one frequency). */
final class Signals {
    private Signals() { }

    static float[][] sine(double hz, int rate, int channels, int frames, double amplitude) {
        float[][] s = new float[channels][frames];
        for (int i = 0; i < frames; i++) {
            float v = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                s[c][i] = v;
            }
        }
        return s;
    }

    /** Relative power of {@code hz} in {@code x} (0..~0.5 for a full-scale sine at that frequency). */
    static double power(float[] x, int from, int n, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s0 = x[i] + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double p = s1 * s1 + s2 * s2 - k * s1 * s2;
        return p / ((double) n * n);
    }

    static float[][] concat(float[][] a, float[][] b) {
        float[][] o = new float[a.length][a[0].length + b[0].length];
        for (int c = 0; c < a.length; c++) {
            System.arraycopy(a[c], 0, o[c], 0, a[c].length);
            System.arraycopy(b[c], 0, o[c], a[c].length, b[c].length);
        }
        return o;
    }
}
