package org.estuary.media.srt;

import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** One-time FFmpeg network setup and error text for the SRT wrappers. */
final class SrtNative {
    static {
        avformat_network_init();
    }

    private SrtNative() { }

    static void init() {
        // runs the static initialiser
    }

    static String error(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n) + " (" + code + ")";
    }
}
