package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class LossTrackerTest {
    @Test
    void asksForGapsRetriesAndStopsWhenThePacketArrives() {
        LossTracker l = new LossTracker(40, 3, 300);
        l.received(65533, 0);
        l.received(65534, 1);
        l.received(1, 2); // 65535 and 0 missing, across the wrap
        assertEquals(List.of(65535, 0), l.due(3));
        assertEquals(List.of(), l.due(20), "not again before the retry interval");
        l.received(65535, 25); // the resend arrived
        assertEquals(List.of(0), l.due(45));
        assertEquals(1, l.recovered());
        assertEquals(List.of(0), l.due(90));
        assertEquals(List.of(), l.due(200), "three tries, then given up");
        assertEquals(0, l.missing());
        assertEquals(4, l.asked());
    }

    @Test
    void duplicatesReorderingAndHugeJumpsAreNotLoss() {
        LossTracker l = new LossTracker(40, 3, 300);
        l.received(100, 0);
        l.received(100, 1);
        l.received(102, 2);
        l.received(101, 3); // reordered, not lost
        assertEquals(List.of(), l.due(4));
        l.received(30_000, 5); // a restart, not 29,898 lost packets
        assertEquals(List.of(), l.due(6));
        l.received(30_001, 7);
        assertEquals(0, l.missing());
    }

    @Test
    void givesUpAfterTheWindow() {
        LossTracker l = new LossTracker(40, 10, 100);
        l.received(1, 0);
        l.received(3, 0);
        assertEquals(List.of(2), l.due(0));
        assertEquals(List.of(), l.due(150));
        assertEquals(0, l.missing());
    }
}
