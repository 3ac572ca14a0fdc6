package org.estuary.verticles.rtsp;

import java.util.EnumMap;
import java.util.Map;
import org.estuary.core.media.Frame;
import org.estuary.core.media.TrackType;

/**
 * Keeps one local stream's time line continuous across RTSP sessions. Each session's media clock
 * starts near zero; after a reconnect the new session's frames are shifted so that its first
 * frame lands where the old time line would be now (last timestamp + the wall-clock length of the
 * gap), which keeps media time in step with real time for live-edge players and the frames of
 * both sessions in one increasing order. One offset per session shifts every track alike, so
 * audio/video sync within the new session is untouched. Decode times never go backwards per track
 * (a track whose first packet arrived a little before the other's would otherwise overlap).
 * Single-threaded: the agent's context.
 */
final class Retimer {
    /** The smallest step between two frames of a track when clamping (1 ms). */
    private static final long MIN_STEP_US = 1_000;

    private final Map<TrackType, Long> lastDts = new EnumMap<>(TrackType.class);
    private long offsetUs;
    private boolean pending;
    private long lastDtsUs = Long.MIN_VALUE;
    private long lastFrameNanos;

    /** A new session feeds the same stream: its first frame decides the offset. */
    void newSession() {
        pending = lastDtsUs != Long.MIN_VALUE;
    }

    /** The stream was republished: start a fresh time line. */
    void reset() {
        lastDts.clear();
        offsetUs = 0;
        pending = false;
        lastDtsUs = Long.MIN_VALUE;
    }

    long offsetUs() {
        return offsetUs;
    }

    Frame apply(Frame f) {
        long now = System.nanoTime();
        if (pending) {
            long gapUs = Math.max(0, (now - lastFrameNanos) / 1000);
            offsetUs = lastDtsUs + gapUs - f.dtsUs();
            pending = false;
        }
        long dts = f.dtsUs() + offsetUs;
        long pts = f.ptsUs() + offsetUs;
        Long prev = f.isConfig() ? null : lastDts.get(f.type());
        if (prev != null && dts < prev) {
            long shift = prev + MIN_STEP_US - dts;
            dts += shift;
            pts = Math.max(pts, dts);
        }
        if (!f.isConfig()) {
            lastDts.put(f.type(), dts);
        }
        lastDtsUs = Math.max(lastDtsUs, dts);
        lastFrameNanos = now;
        if (dts == f.dtsUs() && pts == f.ptsUs()) {
            return f;
        }
        return f.isConfig() ? Frame.config(f.codec(), dts, f.payload())
                : Frame.media(f.codec(), dts, pts, f.isKeyframe(), f.payload());
    }
}
