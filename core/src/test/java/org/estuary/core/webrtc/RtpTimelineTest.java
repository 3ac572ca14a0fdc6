package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtpTimelineTest {
    @Test
    void stepsWithTheRtpTimestampsWhileTheSessionClockWobbles() {
        RtpTimeline t = new RtpTimeline(48_000, 250_000);
        assertEquals(1_000_000, t.toMicros(5000, 1_000_000));
        // the session clock jumped back 30 ms (a sender report) and was clamped: same clock time twice
        assertEquals(1_020_000, t.toMicros(5960, 1_000_000));
        assertEquals(1_040_000, t.toMicros(6920, 1_010_000));
        // a lost packet keeps its gap
        assertEquals(1_080_000, t.toMicros(8840, 1_080_000));
        assertEquals(0, t.reanchors());
    }

    @Test
    void unwrapsThe32BitTimestamp() {
        RtpTimeline t = new RtpTimeline(48_000, 250_000);
        long first = 0xFFFFFFFFL - 479; // 480 ticks before the wrap
        assertEquals(0, t.toMicros(first, 0));
        assertEquals(20_000, t.toMicros(480, 20_000)); // 960 ticks later, past the wrap
        assertEquals(10_000, t.toMicros(0, 10_000)); // a late (reordered) packet from before
    }

    @Test
    void reanchorsWhenTheSourceJumps() {
        RtpTimeline t = new RtpTimeline(48_000, 250_000);
        t.toMicros(1000, 0);
        t.toMicros(1960, 20_000);
        // the source restarted its timestamps: the clock's time wins
        assertEquals(40_000, t.toMicros(900_000_000L, 40_000));
        assertEquals(1, t.reanchors());
        assertEquals(60_000, t.toMicros(900_000_960L, 60_000));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new RtpTimeline(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RtpTimeline(48_000, 0));
    }
}
