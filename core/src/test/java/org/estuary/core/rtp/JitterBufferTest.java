package org.estuary.core.rtp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one RTP reorder buffer of RTSP ingest, WebRTC publishers and SIP calls. */
class JitterBufferTest {
    private static final long MS = 1_000_000L;

    @Test
    void reordersAndDropsDuplicatesAndLatePackets() {
        JitterBuffer<Integer> j = new JitterBuffer<>(100, 200);
        List<Integer> out = new ArrayList<>();
        for (int s : new int[] {10, 12, 11, 11, 13, 15, 14, 9}) {
            out.addAll(j.push(s, s, 0));
        }
        assertEquals(List.of(10, 11, 12, 13, 14, 15), out);
        assertEquals(2, j.late(), "the second 11 and 9");
        assertEquals(2, j.reordered(), "11 and 14 came after a later packet");
        assertEquals(15 + 65536, j.highestSequence());
    }

    @Test
    void aSwappedPairIsPutBackInOrder() {
        JitterBuffer<Integer> jb = new JitterBuffer<>(8, 60 * MS);
        List<Integer> out = new ArrayList<>(jb.push(10, 10, 0));
        out.addAll(jb.push(12, 12, 20 * MS)); // 11 is late: 12 waits
        assertEquals(List.of(10), out);
        assertEquals(1, jb.waiting());
        out.addAll(jb.push(11, 11, 25 * MS));
        assertEquals(List.of(10, 11, 12), out);
        assertEquals(1, jb.reordered());
        assertEquals(0, jb.late());
        assertEquals(0, jb.waiting());
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
    void capacityBoundsTheWait() {
        JitterBuffer<Integer> j = new JitterBuffer<>(3, 100);
        assertEquals(List.of(1), j.push(1, 1, 0));
        assertEquals(List.of(), j.push(3, 3, 10));
        assertEquals(List.of(3), j.drain(110));
        // 5 missing, 6..9 held, the fourth forces release
        j.push(6, 6, 200);
        j.push(7, 7, 200);
        j.push(8, 8, 200);
        assertEquals(List.of(6, 7, 8, 9), j.push(9, 9, 200));
    }

    @Test
    void sequenceNumbersWrapAround() {
        JitterBuffer<Integer> j = new JitterBuffer<>(100, 200);
        List<Integer> out = new ArrayList<>();
        for (int s : new int[] {65534, 0, 65535, 1}) {
            out.addAll(j.push(s, s, 0));
        }
        assertEquals(List.of(65534, 65535, 0, 1), out);
        JitterBuffer<Integer> small = new JitterBuffer<>(2, 10_000 * MS);
        small.push(65534, 0, 0);
        assertEquals(List.of(), small.push(0, 2, 1)); // 65535 missing
        assertEquals(List.of(), small.push(1, 3, 2));
        assertEquals(List.of(2, 3, 4), small.push(2, 4, 3), "over capacity: the gap is given up");
        assertEquals(List.of(5), small.push(3, 5, 4));
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

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer<>(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer<>(1, -1));
    }
}
