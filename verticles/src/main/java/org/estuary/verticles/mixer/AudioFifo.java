package org.estuary.verticles.mixer;

/**
 * A jitter buffer of planar float PCM for one mixer input. Audio arrives in bursts (network,
 * decoder priming) but leaves at the mixer's steady rate: the buffer starts giving samples once it
 * holds {@code primeSamples} (a little latency buys smooth output) and gives silence and
 * re-primes after running dry. A burst (e.g. the cached GOP a new reader gets, or a network
 * hiccup catching up) would leave a lasting backlog, i.e. audio late against the picture, which is
 * shown as soon as it is decoded: so when more than {@code trimAboveSamples} wait, the oldest are
 * dropped down to {@code primeSamples}. {@code maxSamples} is the hard capacity. Pure Java, used by
 * one thread.
 */
final class AudioFifo {
    private final int channels;
    private final int primeSamples;
    private final int maxSamples;
    private final int trimAbove;
    private final float[][] ring;
    private int head;
    private int size;
    private boolean primed;
    private long dropped;

    AudioFifo(int channels, int primeSamples, int trimAboveSamples, int maxSamples) {
        this.channels = channels;
        this.primeSamples = primeSamples;
        this.trimAbove = trimAboveSamples;
        this.maxSamples = maxSamples;
        this.ring = new float[channels][maxSamples];
    }

    int size() { return size; }
    long droppedSamples() { return dropped; }

    void write(float[][] pcm) {
        int n = pcm[0].length;
        int start = 0;
        if (n > maxSamples) {
            start = n - maxSamples;
            dropped += start;
            n = maxSamples;
        }
        int overflow = size + n - maxSamples;
        if (overflow > 0) {
            head = (head + overflow) % maxSamples;
            size -= overflow;
            dropped += overflow;
        }
        int tail = (head + size) % maxSamples;
        for (int c = 0; c < channels; c++) {
            float[] src = pcm[Math.min(c, pcm.length - 1)];
            int first = Math.min(n, maxSamples - tail);
            System.arraycopy(src, start, ring[c], tail, first);
            System.arraycopy(src, start + first, ring[c], 0, n - first);
        }
        size += n;
    }

    /** Exactly {@code n} samples per channel: buffered audio, padded with silence when short. */
    float[][] read(int n) {
        float[][] out = new float[channels][n];
        if (!primed) {
            if (size < primeSamples) {
                return out;
            }
            primed = true;
        }
        if (size > trimAbove) {
            int drop = size - primeSamples;
            head = (head + drop) % maxSamples;
            size -= drop;
            dropped += drop;
        }
        int take = Math.min(n, size);
        for (int c = 0; c < channels; c++) {
            int first = Math.min(take, maxSamples - head);
            System.arraycopy(ring[c], head, out[c], 0, first);
            System.arraycopy(ring[c], 0, out[c], first, take - first);
        }
        head = (head + take) % maxSamples;
        size -= take;
        if (take < n) {
            primed = false;   // ran dry: wait for a cushion again instead of crackling
        }
        return out;
    }

    void clear() {
        head = 0;
        size = 0;
        primed = false;
    }
}
