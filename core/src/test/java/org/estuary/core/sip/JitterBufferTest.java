package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterBufferTest {
    private static final long MS = 1_000_000L;

    @Test
    void aSwappedPairIsPutBackInOrder() {
        JitterBuffer<Integer> jb = new JitterBuffer<>(8, 60 * MS);
        List<Integer> out = new ArrayList<>(jb.push(10, 10, 0));
        out.addAll(jb.push(12, 12, 20 * MS)); // 11 is late: 12 waits
        assertEquals(List.of(10), out);
        out.addAll(jb.push(11, 11, 25 * MS));
        assertEquals(List.of(10, 11, 12), out);
        assertEquals(1, jb.reordered());
        assertEquals(0, jb.late());
    }

    @Test
    void aLostPacketIsGivenUpAfterTheWindowAndArrivingLaterIsDropped() {
        JitterBuffer<Integer> jb = new JitterBuffer<>(8, 60 * MS);
        jb.push(1, 1, 0);
        assertEquals(List.of(), jb.push(3, 3, 20 * MS));
        assertEquals(List.of(), jb.drain(70 * MS), "still inside the window");
        assertEquals(List.of(3), jb.drain(80 * MS), "2 given up");
        assertEquals(List.of(), jb.push(2, 2, 90 * MS));
        assertEquals(1, jb.late());
        assertEquals(List.of(), jb.push(3, 3, 95 * MS), "duplicate");
        assertEquals(2, jb.late());
    }

    @Test
    void capacityBoundsTheWaitAndSequenceNumbersWrap() {
        JitterBuffer<Integer> jb = new JitterBuffer<>(2, 10_000 * MS);
        jb.push(65534, 0, 0);
        assertEquals(List.of(), jb.push(0, 2, 1)); // 65535 missing
        assertEquals(List.of(), jb.push(1, 3, 2));
        assertEquals(List.of(2, 3, 4), jb.push(2, 4, 3), "over capacity: the gap is given up");
        assertEquals(List.of(5), jb.push(3, 5, 4));
    }

    @Test
    void aNewStreamFarAwayInSequenceStartsOver() {
        JitterBuffer<Integer> jb = new JitterBuffer<>(8, 60 * MS);
        jb.push(100, 100, 0);
        jb.push(102, 102, 1); // waits for 101
        assertEquals(List.of(102, 40000), jb.push(40000, 40000, 2), "the old stream's rest, then the new one");
        assertEquals(List.of(40001), jb.push(40001, 40001, 3));
        assertEquals(List.of(7), jb.push(7, 7, 4), "and back far below");
        assertEquals(0, jb.late());
    }
}
