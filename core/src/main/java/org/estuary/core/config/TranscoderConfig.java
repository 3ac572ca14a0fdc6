package org.estuary.core.config;

/**
 * Transcoders ({@code /transcoder/*}, {@code /transcoder2/*}): defaults of the request's encoder
 * fields and limits.
 *
 * @param defaultFps              output frame rate when the request gives none
 * @param defaultKeyFrameInterval frames between keyframes when the request gives none
 * @param audioBitrate            re-encoded audio bitrate when the request gives none, bit/s
 * @param maxWatermarkBytes       largest watermark PNG accepted
 */
public record TranscoderConfig(int defaultFps, int defaultKeyFrameInterval, int audioBitrate, int maxWatermarkBytes) {

    public static TranscoderConfig defaults() {
        return new TranscoderConfig(30, 60, 64_000, 16 << 20);
    }
}
