package org.estuary.core.mp4;

import java.util.Objects;
import org.estuary.core.media.Codec;
import org.estuary.core.media.TrackType;

/**
 * What one MP4 track carries.
 *
 * @param codec      H264, H265, AAC or OPUS
 * @param config     the codec configuration record (avcC / hvcC payload, AudioSpecificConfig, dOps
 *                   payload or an OpusHead); may be empty for Opus
 * @param width      picture width (video), else 0
 * @param height     picture height (video), else 0
 * @param sampleRate audio sample rate (audio), else 0
 * @param channels   audio channels (audio), else 0
 */
public record Mp4Track(Codec codec, byte[] config, int width, int height, int sampleRate, int channels) {

    public Mp4Track {
        Objects.requireNonNull(codec, "codec");
        config = config == null ? new byte[0] : config.clone();
        if (!isSupported(codec)) {
            throw new IllegalArgumentException("MP4 recording does not support " + codec);
        }
    }

    public static boolean isSupported(Codec c) {
        return c == Codec.H264 || c == Codec.H265 || c == Codec.AAC || c == Codec.OPUS;
    }

    public static Mp4Track video(Codec codec, byte[] config, int width, int height) {
        return new Mp4Track(codec, config, width, height, 0, 0);
    }

    public static Mp4Track audio(Codec codec, byte[] config, int sampleRate, int channels) {
        return new Mp4Track(codec, config, 0, 0, sampleRate, channels);
    }

    public boolean isVideo() {
        return codec.type() == TrackType.VIDEO;
    }

    /** Ticks per second of this track's media clock: 90 kHz for video, the sample rate for audio. */
    public int timescale() {
        if (isVideo()) {
            return 90_000;
        }
        if (codec == Codec.OPUS) {
            return 48_000; // Opus in MP4 always runs at 48 kHz
        }
        return sampleRate > 0 ? sampleRate : 48_000;
    }

    /** A sample duration to assume when no next sample tells it (the last one of a recording). */
    int defaultDuration() {
        if (isVideo()) {
            return 3_000; // one frame at 30 fps
        }
        return codec == Codec.OPUS ? 960 : 1024;
    }
}
