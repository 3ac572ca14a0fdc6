package org.estuary.core.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeTimelineTest {
    private static final long F = 40_000;

    /** Presentation indexes in decode order: I P B B, P B B, ... (two B-frames, no pyramid). */
    static List<Long> ipbb(int gops) {
        List<Long> out = new ArrayList<>();
        out.add(0L);
        for (int g = 0; g < gops; g++) {
            long base = g * 3L;
            out.add(base + 3);
            out.add(base + 1);
            out.add(base + 2);
        }
        return out;
    }

    /** Presentation indexes in decode order with B-pyramid over 3 B-frames: P4 B2 b1 b3. */
    static List<Long> pyramid(int gops) {
        List<Long> out = new ArrayList<>();
        out.add(0L);
        for (int g = 0; g < gops; g++) {
            long base = g * 4L;
            out.add(base + 4);
            out.add(base + 2);
            out.add(base + 1);
            out.add(base + 3);
        }
        return out;
    }

    private static List<Long> run(DecodeTimeline t, List<Long> order, long offset) {
        List<Long> dts = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long pts = offset + order.get(i) * F;
            long d = t.dts(pts, i == 0);
            assertTrue(d <= pts, "dts " + d + " after pts " + pts + " at " + i);
            if (!dts.isEmpty()) {
                assertTrue(d > dts.get(dts.size() - 1), "dts increases at " + i + ": " + dts);
            }
            dts.add(d);
        }
        return dts;
    }

    @Test
    void declaredDepthGivesTheEncodersDecodeTimes() {
        DecodeTimeline t = new DecodeTimeline();
        t.declaredDepth(1);
        List<Long> dts = run(t, ipbb(10), 1_000_000);
        // one frame of delay: frame n decodes at presentation slot n-1
        for (int n = 0; n < dts.size(); n++) {
            assertEquals(1_000_000 + (n - 1) * F, dts.get(n), "frame " + n);
        }
        assertEquals(0, t.late());
    }

    @Test
    void pyramidOfDepthTwo() {
        DecodeTimeline t = new DecodeTimeline();
        t.declaredDepth(2);
        List<Long> dts = run(t, pyramid(10), 0);
        assertEquals(-2 * F, dts.get(0));
        assertEquals(0, t.late());
    }

    @Test
    void noReorderingMeansDtsEqualsPts() {
        DecodeTimeline t = new DecodeTimeline();
        t.declaredDepth(0);
        for (int i = 0; i < 20; i++) {
            assertEquals(i * F, t.dts(i * F, i == 0));
        }
    }

    @Test
    void anUndeclaredDeeperPyramidIsLearntAtTheNextKeyframe() {
        DecodeTimeline t = new DecodeTimeline();
        t.declaredDepth(-1);
        // 7-frame mini-GOPs with a 3-level pyramid need depth 3
        long[] mini = {8, 4, 2, 1, 3, 6, 5, 7};
        long last = Long.MIN_VALUE;
        int idx = 0;
        for (int gop = 0; gop < 4; gop++) {
            long base = gop * 9L;
            long d = t.dts(base * F, true);
            assertTrue(d > last);
            last = d;
            for (long m : mini) {
                long pts = (base + m) * F;
                d = t.dts(pts, false);
                assertTrue(d > last, "monotonic at " + idx);
                last = d;
                if (gop == 3) {
                    assertTrue(d <= pts, "learnt: dts " + d + " <= pts " + pts);
                }
                idx++;
            }
        }
        assertTrue(t.late() > 0, "the first GOP showed the deeper reordering");
        assertEquals(3, t.depth());
    }

    @Test
    void afterALossCountingRestartsAtTheKeyframe() {
        DecodeTimeline t = new DecodeTimeline();
        t.declaredDepth(1);
        List<Long> first = run(t, ipbb(3), 0);
        t.discontinuity();
        long last = first.get(first.size() - 1);
        List<Long> order = ipbb(3);
        long offset = 20 * F;
        for (int i = 0; i < order.size(); i++) {
            long pts = offset + order.get(i) * F;
            long d = t.dts(pts, i == 0);
            assertTrue(d > last && d <= pts, i + ": " + d);
            last = d;
        }
        assertEquals(0, t.late());
    }
}
