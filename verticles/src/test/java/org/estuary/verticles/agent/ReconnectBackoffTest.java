package org.estuary.verticles.agent;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void delaysDoubleUpToTheCap() {
        ReconnectBackoff b = new ReconnectBackoff();
        assertEquals(1000, b.nextDelayMs());
        assertEquals(2000, b.nextDelayMs());
        assertEquals(4000, b.nextDelayMs());
        for (int i = 0; i < 10; i++) {
            b.nextDelayMs();
        }
        assertEquals(ReconnectBackoff.MAX_MS, b.nextDelayMs());
    }

    @Test
    void streamsDroppedRightAfterStartingCountAsRefusal() {
        ReconnectBackoff b = new ReconnectBackoff();
        assertFalse(b.closedAndRefused(), "a connection that never started is a network problem");
        for (int i = 1; i < ReconnectBackoff.MAX_QUICK_DROPS; i++) {
            b.started();
            assertFalse(b.closedAndRefused());
        }
        b.started();
        assertTrue(b.closedAndRefused());
    }
}
