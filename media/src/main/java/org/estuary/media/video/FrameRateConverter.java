package org.estuary.media.video;

/**
 * Maps input pictures onto a constant-rate output timeline by dropping and duplicating. Slot k of
 * the output is at {@code origin + k / fps}; an input at time t belongs to the nearest slot. An
 * input whose slot is already filled is dropped; one that skips slots fills them too (duplicates),
 * up to one second's worth so a stalled source does not produce a burst. Pure Java.
 *
 * <p>{@link #onGrid} puts slot k at {@code k / fps} from media time 0 instead of from the first
 * input, so converters fed the same source at different moments pick the same output times (the
 * renditions of adaptive HLS then have key frames at identical times).
 */
public final class FrameRateConverter {
    private static final long MICROS = 1_000_000L;
    private static final long[] NONE = new long[0];
    private final int fps;
    private final boolean grid;
    private long origin = Long.MIN_VALUE;
    private long nextSlot;

    public FrameRateConverter(int fps) {
        this(fps, false);
    }

    private FrameRateConverter(int fps, boolean grid) {
        if (fps < 1 || fps > 1000) {
            throw new IllegalArgumentException("fps " + fps + " outside 1..1000");
        }
        this.fps = fps;
        this.grid = grid;
    }

    /** Slots on the absolute grid {@code k / fps} of media time (not relative to the first input). */
    public static FrameRateConverter onGrid(int fps) {
        return new FrameRateConverter(fps, true);
    }

    public int fps() { return fps; }

    /**
     * The output times at which the picture taken at {@code ptsUs} is shown: empty = drop it,
     * more than one = duplicate it. Times always rise, also when the input jumps back.
     */
    public long[] slotsFor(long ptsUs) {
        boolean starting = origin == Long.MIN_VALUE;
        if (starting) {
            origin = grid ? 0 : ptsUs;
        }
        long slot = Math.floorDiv((ptsUs - origin) * fps + MICROS / 2, MICROS);
        if (starting) {
            nextSlot = slot; // no duplicates before the first picture
        }
        if (slot < nextSlot) {
            return NONE;
        }
        long first = Math.max(nextSlot, slot - fps + 1);   // at most one second of duplicates
        long[] times = new long[(int) (slot - first + 1)];
        for (int i = 0; i < times.length; i++) {
            times[i] = timeOf(first + i);
        }
        nextSlot = slot + 1;
        return times;
    }

    /** Output time of slot k. */
    public long timeOf(long slot) {
        return origin + Math.floorDiv(slot * MICROS, fps);
    }
}
