package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DtmfTest {
    @Test
    void eventsRoundTrip() {
        for (char d : Dtmf.DIGITS.toCharArray()) {
            byte[] p = Dtmf.eventPayload(Dtmf.eventCode(d), true, 800);
            Dtmf.Event e = Dtmf.parseEvent(p, 0, p.length);
            assertEquals(d, Dtmf.digit(e.code()));
            assertTrue(e.end());
            assertEquals(800, e.durationSamples());
        }
        assertNull(Dtmf.parseEvent(new byte[] {1, 2}, 0, 2));
        assertNull(Dtmf.parseEvent(new byte[] {16, 0, 0, 0}, 0, 4), "flash is not a digit");
    }

    @Test
    void infoBodies() {
        assertEquals('5', Dtmf.parseInfo(Dtmf.infoBody('5', 100)));
        assertEquals('#', Dtmf.parseInfo("Signal= #\r\nDuration= 160\r\n"));
        assertEquals('*', Dtmf.parseInfo("*"));
        assertEquals('#', Dtmf.parseInfo("11"));
        assertEquals('?', Dtmf.parseInfo("Signal=X"));
        assertEquals('?', Dtmf.parseInfo(null));
        assertTrue(Dtmf.isValid("123*#ABCD"));
        assertFalse(Dtmf.isValid("12E"));
        assertFalse(Dtmf.isValid(""));
    }
}
