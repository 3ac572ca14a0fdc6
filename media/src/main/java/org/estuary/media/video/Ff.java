package org.estuary.media.video;

/** FFmpeg helpers for the video wrappers: the shared ones of {@link org.estuary.media.audio.Ff}, plus the time base. */
final class Ff {
    /** AVERROR(EAGAIN) on Linux: the codec wants more input / has output pending. */
    static final int EAGAIN = org.estuary.media.audio.Ff.EAGAIN;
    /** Timestamps handed to FFmpeg are the hub's microseconds. */
    static final int MICROS = 1_000_000;

    private Ff() { }

    static void init() {
        org.estuary.media.audio.Ff.init();
    }

    static String error(int code) {
        return org.estuary.media.audio.Ff.error(code);
    }

    static void check(int code, String what) {
        org.estuary.media.audio.Ff.check(code, what);
    }
}
