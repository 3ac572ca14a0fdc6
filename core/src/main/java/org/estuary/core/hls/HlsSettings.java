package org.estuary.core.hls;

/**
 * How one HLS output is cut.
 *
 * @param targetDurationUs segment target; segments are cut at the first keyframe once this long
 * @param windowSegments   complete segments listed in the live playlist
 * @param lowLatency       fMP4 segments with parts, preload hints and blocking reload (else MPEG-TS)
 * @param partTargetUs     part target duration (low latency only)
 */
public record HlsSettings(long targetDurationUs, int windowSegments, boolean lowLatency, long partTargetUs) {
    public HlsSettings {
        if (targetDurationUs <= 0 || windowSegments < 1) {
            throw new IllegalArgumentException("target duration and window must be positive");
        }
        if (lowLatency && (partTargetUs <= 0 || partTargetUs > targetDurationUs)) {
            throw new IllegalArgumentException("part target must be in (0, target duration]");
        }
    }

    /** Parts stay listed for segments this recent (the spec asks for at least three target durations). */
    int segmentsWithParts() {
        return 3;
    }
}
