package org.estuary.media.video;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;

import org.estuary.core.media.Codec;

/**
 * Which video encoders this FFmpeg build has. The default (LGPL) build has OpenH264 only; the GPL
 * build (Maven profile {@code gpl}) adds x264, which is preferred when present.
 */
public final class VideoEncoders {
    public static final String OPENH264 = "libopenh264";
    public static final String X264 = "libx264";

    private VideoEncoders() { }

    public static boolean available(String name) {
        Ff.init();
        return name != null && avcodec_find_encoder_by_name(name) != null;
    }

    /** The encoder used when a request does not name one, or null if the codec cannot be encoded. */
    public static String defaultEncoder(Codec codec) {
        return switch (codec) {
            case H264 -> available(X264) ? X264 : available(OPENH264) ? OPENH264 : null;
            case VP8 -> available("libvpx") ? "libvpx" : null;
            case VP9 -> available("libvpx-vp9") ? "libvpx-vp9" : null;
            // libaom-av1's encoder corrupted the heap in this build (tried 2026-11); SVT-AV1 works
            case AV1 -> available("libsvtav1") ? "libsvtav1" : null;
            default -> null;
        };
    }
}
