package org.estuary.core.rtsp;

import java.util.PriorityQueue;

/**
 * Gives video frames that arrive in decode order with only a presentation time (RTP carries
 * nothing else) a decode time, without holding any frame back.
 *
 * <p>With a reorder depth of D frames (from the SPS: H.264 VUI max_num_reorder_frames, H.265
 * sps_max_num_reorder_pics), the picture shown n-th is decoded no later than as frame n + D. So
 * when frame n (decode order) arrives, the (n - D)-th presentation time is already known: it is
 * the smallest presentation time not handed out yet. That value is frame n's decode time: it
 * increases strictly, never exceeds frame n's presentation time, and lags presentation by D
 * frames, as an encoder's own decode times do. The first D frames after a start get decode times
 * D, D-1, ... frame durations before the first picture's.
 *
 * <p>When the SPS does not tell the depth, it starts at {@link #DEFAULT_DEPTH} and grows (at the
 * next keyframe) whenever a frame arrives presenting earlier than the decode time it would get.
 * Not thread-safe: one per track, on the session's thread.
 */
public final class DecodeTimeline {
    /** x264's and x265's depth with two B-frames and B-pyramid; deeper streams are learnt. */
    static final int DEFAULT_DEPTH = 2;
    private static final long FALLBACK_FRAME_US = 40_000;

    private final PriorityQueue<Long> unclaimed = new PriorityQueue<>();
    private int depth = DEFAULT_DEPTH;
    private boolean depthKnown;
    private int nextDepth = -1;
    private boolean restart = true;
    private long sinceStart;
    private long startPts;
    private long lastDts = Long.MIN_VALUE;
    private long lastClaimed = Long.MIN_VALUE;
    private long frameUs;
    private long hintFrameUs;
    private long late;

    /** The reorder depth the SPS declares ({@code < 0}: not declared); applies from the next keyframe. */
    public void declaredDepth(int frames) {
        if (frames >= 0) {
            depthKnown = true;
            if (frames != depth) {
                nextDepth = frames;
            }
        }
    }

    /** The frame duration the SPS declares (timing info), used until the stream shows its own. */
    public void declaredFrameRate(double fps) {
        if (fps > 0 && fps < 1000) {
            hintFrameUs = Math.round(1_000_000 / fps);
        }
    }

    /** Frames were lost: counting starts afresh at the next keyframe. */
    public void discontinuity() {
        restart = true;
    }

    /** The decode time of the next frame in decode order, presented at {@code ptsUs}. */
    public long dts(long ptsUs, boolean keyframe) {
        int pops = 1;
        if (keyframe && restart) {
            restart = false;
            if (nextDepth >= 0) {
                depth = nextDepth;
                nextDepth = -1;
            }
            unclaimed.clear();
            lastClaimed = Long.MIN_VALUE;
            sinceStart = 0;
            startPts = ptsUs;
        } else if (keyframe && nextDepth >= 0) {
            // a continuing stream changes depth: one claim fewer (or more) per step of depth
            pops = 1 + depth - nextDepth;
            depth = nextDepth;
            nextDepth = -1;
        }
        unclaimed.add(ptsUs);
        long dts;
        if (sinceStart < depth && lastClaimed == Long.MIN_VALUE) {
            dts = startPts - (depth - sinceStart) * frameDuration();
        } else if (pops <= 0) {
            // deeper now: this frame claims nothing and fits between the last decode time and the next
            long next = unclaimed.peek();
            dts = lastDts == Long.MIN_VALUE ? next - 1 : lastDts + Math.max(1, (next - lastDts) / 2);
            pops = 0;
        } else {
            dts = claim();
            for (int i = 1; i < pops && unclaimed.size() > 1; i++) {
                dts = claim();
            }
        }
        sinceStart++;
        dts = Math.min(dts, ptsUs);
        if (lastDts != Long.MIN_VALUE && dts <= lastDts) {
            dts = lastDts + 1; // decode times must increase, even for a frame that cannot be placed
        }
        if (ptsUs < dts) {
            late++;
            if (!depthKnown && nextDepth < 0 && depth < 16) {
                nextDepth = depth + 1; // reorders deeper than assumed: learn it at the next keyframe
            }
        }
        lastDts = dts;
        return dts;
    }

    private long claim() {
        long dts = unclaimed.poll();
        if (lastClaimed != Long.MIN_VALUE && dts > lastClaimed) {
            frameUs = dts - lastClaimed;
        }
        lastClaimed = dts;
        return dts;
    }

    /** Frames that presented earlier than their decode order allowed (damaged or undeclared reordering). */
    public long late() {
        return late;
    }

    int depth() {
        return depth;
    }

    private long frameDuration() {
        if (frameUs > 0) {
            return frameUs;
        }
        return hintFrameUs > 0 ? hintFrameUs : FALLBACK_FRAME_US;
    }
}
