package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.ffmpeg.global.avutil;

/** Shared FFmpeg helpers of the media module: error text and one-time library setup. */
public final class Ff {
    /** AVERROR(EAGAIN) on Linux: the codec wants more input / has output pending. */
    public static final int EAGAIN = -11;

    static {
        // without this FFmpeg prints encoder statistics and warnings on stderr
        av_log_set_level(avutil.AV_LOG_ERROR);
        FfCpuFlags.apply();
    }

    private Ff() { }

    public static void init() {
        // runs the static initialiser
    }

    public static String error(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n) + " (" + code + ")";
    }

    public static void check(int code, String what) {
        if (code < 0) {
            throw new MediaException(what + " failed: " + error(code));
        }
    }
}
