package org.estuary.media.video;

/**
 * Maps input pictures onto a constant-rate output timeline by dropping and duplicating. Slot k of
 * the output is at {@code origin + k / fps}; an input at time t belongs to the nearest slot. An
 * input whose slot is already filled is dropped; one that skips slots fills them too (duplicates),
 * up to one second's worth so a stalled source does not produce a burst. Pure Java.
 */
public final class FrameRateConverter {
    private static final long MICROS = 1_000_000L;
    private static final long[] NONE = new long[0];
    private final int fps;
    private long origin = Long.MIN_VALUE;
    private long nextSlot;

    public FrameRateConverter(int fps) {
        if (fps < 1 || fps > 1000) {
            throw new IllegalArgumentException("fps " + fps + " outside 1..1000");
        }
        this.fps = fps;
    }

    public int fps() { return fps; }

    /**
     * The output times at which the picture taken at {@code ptsUs} is shown: empty = drop it,
     * more than one = duplicate it. Times always rise, also when the input jumps back.
     */
    public long[] slotsFor(long ptsUs) {
        if (origin == Long.MIN_VALUE) {
            origin = ptsUs;
        }
        long slot = Math.floorDiv((ptsUs - origin) * fps + MICROS / 2, MICROS);
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
        return origin + slot * MICROS / fps;
    }
}
