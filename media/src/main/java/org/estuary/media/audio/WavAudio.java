package org.estuary.media.audio;

/**
 * Decoded WAV content.
 *
 * @param samples [channel][sample], float -1..1
 */
public record WavAudio(int sampleRate, int channels, float[][] samples) {
    public int frames() {
        return samples.length == 0 ? 0 : samples[0].length;
    }

    public double durationSeconds() {
        return (double) frames() / sampleRate;
    }
}
