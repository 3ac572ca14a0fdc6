package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CallStatusTest {
    @Test
    void movesForwardOnlyBeforeTheAnswerAndNeverLeavesAFinalStatus() {
        assertTrue(CallStatus.NEW.canMoveTo(CallStatus.TRYING));
        assertTrue(CallStatus.TRYING.canMoveTo(CallStatus.RING));
        assertFalse(CallStatus.RING.canMoveTo(CallStatus.TRYING), "a late 100 after 180");
        assertTrue(CallStatus.RING.canMoveTo(CallStatus.ESTABLISHED));
        assertTrue(CallStatus.TRYING.canMoveTo(CallStatus.BUSY));
        assertFalse(CallStatus.RING.canMoveTo(CallStatus.HOLD));
        assertTrue(CallStatus.ESTABLISHED.canMoveTo(CallStatus.HOLD));
        assertTrue(CallStatus.HOLD.canMoveTo(CallStatus.ESTABLISHED));
        for (CallStatus f : new CallStatus[] {CallStatus.FINISH, CallStatus.FAILED, CallStatus.BUSY}) {
            assertTrue(f.isFinal());
            for (CallStatus n : CallStatus.values()) {
                assertFalse(f.canMoveTo(n), f + " -> " + n);
            }
        }
    }
}
