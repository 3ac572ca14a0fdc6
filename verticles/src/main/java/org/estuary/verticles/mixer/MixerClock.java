package org.estuary.verticles.mixer;

/**
 * The clock stage of a mixer: when the next picture and the next audio frame are due, and their
 * output times. Both tracks count from one start, which keeps them in sync; a new encoder
 * (settings change) starts a new video timeline one old frame interval after the last picture,
 * so output times keep rising. Worker thread only.
 */
final class MixerClock {
    static final long NANOS = 1_000_000_000L;

    private final boolean video;
    private final boolean audio;
    private final int audioRate;
    private long startNanos;
    private long videoOriginNanos;
    private long videoOriginUs;
    private long videoFrames;
    private long lastVideoPtsUs;
    private long audioSamples;
    private int fps;
    private volatile long skipped;   // read by the REST view

    MixerClock(boolean video, boolean audio, int audioRate) {
        this.video = video;
        this.audio = audio;
        this.audioRate = audioRate;
    }

    void start(long nowNanos) {
        startNanos = nowNanos;
        videoOriginNanos = nowNanos;
    }

    /** A new video timeline at {@code newFps}: from the start, or right after the last picture. */
    void retime(long nowNanos, int newFps, boolean first) {
        if (first) {
            videoOriginNanos = startNanos;
            videoOriginUs = 0;
        } else {
            videoOriginNanos = nowNanos;
            videoOriginUs = lastVideoPtsUs + 1_000_000L / fps;
        }
        fps = newFps;
        videoFrames = 0;
    }

    long nextVideoNanos() {
        return video ? videoOriginNanos + videoFrames * NANOS / fps : Long.MAX_VALUE;
    }

    long nextAudioNanos() {
        return audio ? startNanos + audioSamples * NANOS / audioRate : Long.MAX_VALUE;
    }

    /**
     * Takes the picture due now and returns its output time (µs). Starved of CPU for over a
     * second, the missed pictures are skipped instead of bursting them.
     */
    long takeVideo(long nowNanos) {
        long due = nextVideoNanos();
        if (nowNanos - due > NANOS) {
            long behind = (nowNanos - due) * fps / NANOS;
            videoFrames += behind;
            skipped += behind;
        }
        long pts = videoOriginUs + videoFrames * 1_000_000L / fps;
        videoFrames++;
        lastVideoPtsUs = pts;
        return pts;
    }

    /** Takes the audio frame of {@code samples} due now. */
    void takeAudio(int samples) {
        audioSamples += samples;
    }

    long skippedPictures() {
        return skipped;
    }
}
