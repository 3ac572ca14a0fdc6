package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FrameRateConverterTest {

    @Test
    void thirtyToFifteenKeepsEveryOtherPicture() {
        FrameRateConverter c = new FrameRateConverter(15);
        int kept = 0;
        long last = -1;
        for (int i = 0; i < 300; i++) {   // 10 s at 30 fps
            long[] t = c.slotsFor(i * 1_000_000L / 30);
            assertTrue(t.length <= 1, "never duplicates when slowing down");
            for (long ts : t) {
                assertTrue(ts > last);
                last = ts;
            }
            kept += t.length;
        }
        assertEquals(150, kept, "15 fps over 10 s");
        assertEquals(149 * 1_000_000L / 15, last);
    }

    @Test
    void fifteenToThirtyDuplicates() {
        FrameRateConverter c = new FrameRateConverter(30);
        int out = 0;
        for (int i = 0; i < 150; i++) {
            out += c.slotsFor(i * 1_000_000L / 15).length;
        }
        assertEquals(299, out, "each picture fills its own slot and the one before it");
    }

    @Test
    void aStallDuplicatesAtMostOneSecond() {
        FrameRateConverter c = new FrameRateConverter(10);
        assertEquals(1, c.slotsFor(0).length);
        long[] t = c.slotsFor(5_000_000);
        assertEquals(10, t.length);
        assertEquals(5_000_000, t[t.length - 1]);
    }

    @Test
    void backwardsTimeIsDropped() {
        FrameRateConverter c = new FrameRateConverter(25);
        c.slotsFor(1_000_000);
        c.slotsFor(1_040_000);
        assertEquals(0, c.slotsFor(900_000).length);
    }

    @Test
    void gridConvertersStartedAtDifferentTimesPickTheSameOutputTimes() {
        FrameRateConverter early = FrameRateConverter.onGrid(30);
        FrameRateConverter late = FrameRateConverter.onGrid(30);
        java.util.Set<Long> a = new java.util.TreeSet<>();
        java.util.Set<Long> b = new java.util.TreeSet<>();
        for (int i = 0; i < 120; i++) {   // a 25 fps source with millisecond times (as RTMP gives)
            long pts = 10_007_000L + i * 40_000L;
            for (long t : early.slotsFor(pts)) {
                a.add(t);
            }
            if (i >= 37) {
                for (long t : late.slotsFor(pts)) {
                    b.add(t);
                }
            }
        }
        long firstLate = ((java.util.TreeSet<Long>) b).first();
        assertTrue(firstLate >= 10_007_000L + 37 * 40_000L - 17_000, "no duplicates before the first picture: " + firstLate);
        for (long t : b) {
            assertTrue(a.contains(t), "the late converter's time " + t + " is one of the early one's");
            long k = Math.round(t * 30 / 1e6);
            assertEquals(Math.floorDiv(k * 1_000_000L, 30), t, "slot time on the absolute grid");
        }
        assertTrue(a.contains(12_000_000L), "a whole second is a slot time: " + a);
    }
}
