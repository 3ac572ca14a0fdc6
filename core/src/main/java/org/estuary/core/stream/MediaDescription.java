package org.estuary.core.stream;

import org.estuary.core.media.Codec;

/**
 * What a stream carries, as the publisher adapter learnt it from codec configuration and metadata.
 * Immutable; the stream swaps the whole record when something changes.
 */
public record MediaDescription(Codec videoCodec, int width, int height, double fps,
                               Codec audioCodec, int sampleRate, int channels) {
    public static final MediaDescription EMPTY = new MediaDescription(null, 0, 0, 0, null, 0, 0);

    public boolean hasVideo() { return videoCodec != null; }
    public boolean hasAudio() { return audioCodec != null; }

    public MediaDescription withVideo(Codec codec, int w, int h, double f) {
        return new MediaDescription(codec, w, h, f, audioCodec, sampleRate, channels);
    }

    public MediaDescription withAudio(Codec codec, int rate, int ch) {
        return new MediaDescription(videoCodec, width, height, fps, codec, rate, ch);
    }

    public MediaDescription withFps(double f) {
        return new MediaDescription(videoCodec, width, height, f, audioCodec, sampleRate, channels);
    }
}
