package org.estuary.media.video;

import org.estuary.core.media.Codec;

/**
 * What a {@link VideoEncoder} produces.
 *
 * @param codec            output codec (H264; VP8/VP9/AV1 also work, without config frames)
 * @param encoderName      FFmpeg encoder name (e.g. {@code libopenh264}, {@code libx264}); null = the
 *                         best one in this build ({@link VideoEncoders#defaultEncoder})
 * @param width            output width (even)
 * @param height           output height (even)
 * @param fps              frames per second the caller feeds (rate control and timing)
 * @param keyFrameInterval pictures between keyframes (GOP size)
 * @param bitrateKbps      target bitrate in kbit/s
 * @param threads          encoder threads, 0 = automatic (OpenH264 gains nothing from more than one)
 */
public record VideoEncoderSettings(Codec codec, String encoderName, int width, int height, int fps,
                                   int keyFrameInterval, int bitrateKbps, int threads) {

    public static VideoEncoderSettings h264(int width, int height, int fps, int keyFrameInterval, int bitrateKbps) {
        return new VideoEncoderSettings(Codec.H264, null, width, height, fps, keyFrameInterval, bitrateKbps, 1);
    }

    public VideoEncoderSettings withEncoder(String name) {
        return new VideoEncoderSettings(codec, name, width, height, fps, keyFrameInterval, bitrateKbps, threads);
    }

    /** The problem with these values, or null when an encoder can be opened with them. */
    public String problem() {
        if (codec == null) {
            return "no codec";
        }
        if (width < 16 || height < 16 || width > 4096 || height > 4096) {
            return "size " + width + "x" + height + " is outside 16..4096";
        }
        if (width % 2 != 0 || height % 2 != 0) {
            return "size " + width + "x" + height + " must be even (4:2:0)";
        }
        if (fps < 1 || fps > 120) {
            return "fps " + fps + " is outside 1..120";
        }
        if (keyFrameInterval < 1 || keyFrameInterval > 3600) {
            return "keyFrameInterval " + keyFrameInterval + " is outside 1..3600";
        }
        if (bitrateKbps < 10 || bitrateKbps > 100_000) {
            return "bitrate " + bitrateKbps + " kbps is outside 10..100000";
        }
        if (threads < 0 || threads > 16) {
            return "threads " + threads + " is outside 0..16";
        }
        return null;
    }
}
