package org.estuary.core.mp4;

import org.estuary.core.media.Codec;

/**
 * One track of a progressive MP4, flattened into per-sample arrays so playback needs no further
 * box parsing: file offset, size, decode time and composition offset (in the track timescale),
 * and the sync flag.
 *
 * @param config codec configuration record (avcC / hvcC body, AudioSpecificConfig, dOps) or empty
 */
public record Mp4TrackIndex(int trackId, Codec codec, long timescale, byte[] config, int width, int height,
                            int sampleRate, int channels, long[] offsets, int[] sizes, long[] dts,
                            int[] ctsOffsets, boolean[] sync) {
    public int sampleCount() {
        return sizes.length;
    }

    /** Decode time of sample {@code i} in microseconds. */
    public long dtsUs(int i) {
        return dts[i] * 1_000_000L / timescale;
    }

    /** Presentation time of sample {@code i} in microseconds. */
    public long ptsUs(int i) {
        return (dts[i] + ctsOffsets[i]) * 1_000_000L / timescale;
    }

    /** Time the track spans, first decode time to the end of the last sample, in microseconds. */
    public long durationUs() {
        int n = sampleCount();
        if (n == 0) {
            return 0;
        }
        long step = n > 1 ? dts[n - 1] - dts[n - 2] : 0;
        return (dts[n - 1] + step - dts[0]) * 1_000_000L / timescale;
    }
}
