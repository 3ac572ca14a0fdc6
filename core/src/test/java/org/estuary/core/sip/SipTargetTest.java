package org.estuary.core.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SipTargetTest {
    @Test
    void formsOfCallee() {
        assertEquals(new SipTarget("1000", "pbx.example.com", 0), SipTarget.parse("1000", "pbx.example.com", null));
        assertEquals(new SipTarget("1000", "pbx.example.com", 5070), SipTarget.parse("1000", "pbx.example.com", "5070"));
        assertEquals(new SipTarget("alice", "10.0.0.2", 5062), SipTarget.parse("sip:alice@10.0.0.2:5062", "x.org", "5070"));
        assertEquals(new SipTarget("bob", "h.org", 0), SipTarget.parse("bob@h.org", null, null));
        assertEquals(new SipTarget("bob", "::1", 5080), SipTarget.parse("bob@[::1]:5080", null, null));
        assertEquals(new SipTarget("1000", "127.0.0.1", 5099), SipTarget.parse("1000", "127.0.0.1:5099", null));
    }

    @Test
    void malformedCalleesAreRefused() {
        for (String bad : new String[] {"", " ", "a b", "a<b>", "x\r\nVia: evil", "tel:123", "\"q\"@h", "a@b@",
            "a@-host", "a@h:0", "a@h:99999", "a@[zz]", "a@h:x"}) {
            assertThrows(IllegalArgumentException.class, () -> SipTarget.parse(bad, "h.org", null), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SipTarget.parse("1000", null, null), "no domain");
        assertThrows(IllegalArgumentException.class, () -> SipTarget.parse("1000", "h.org", "0"));
    }
}
