package org.estuary.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.estuary.core.config.LimitsConfig;
import org.junit.jupiter.api.Test;

class LimitsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private Limits limits(int total, int perAddress, int ratePerAddress, int rest) {
        return new Limits(new LimitsConfig(total, perAddress, ratePerAddress, 2, rest, 1, 1, 1, 1, 1, 1, 1, 1), now::get);
    }

    @Test
    void perAddressLimitRefusesTheNextAndFreesOnRelease() {
        Limits l = limits(0, 2, 0, 0);
        var a = l.openConnection("10.0.0.1");
        var b = l.openConnection("10.0.0.1");
        assertTrue(a.allowed() && b.allowed());
        var c = l.openConnection("10.0.0.1");
        assertFalse(c.allowed());
        assertEquals(Limit.CONNECTIONS_PER_ADDRESS, c.refusal().limit());
        assertEquals("limit limits.maxConnectionsPerAddress (2) reached", c.refusal().message());
        assertTrue(l.openConnection("10.0.0.2").allowed(), "another address is not affected");
        a.value().release();
        a.value().release(); // twice is harmless
        assertTrue(l.openConnection("10.0.0.1").allowed());
        assertEquals(3, l.openConnections());
        assertEquals(1L, l.refusals().get(Limit.CONNECTIONS_PER_ADDRESS));
    }

    @Test
    void totalLimitCountsEveryAddress() {
        Limits l = limits(2, 0, 0, 0);
        assertTrue(l.openConnection("a").allowed());
        assertTrue(l.openConnection("b").allowed());
        var refused = l.openConnection("c");
        assertEquals(Limit.CONNECTIONS, refused.refusal().limit());
        assertEquals(2, l.openConnections(), "a refused connection holds no place");
    }

    @Test
    void connectionRateResetsEverySecond() {
        Limits l = limits(0, 0, 3, 0);
        for (int i = 0; i < 3; i++) {
            l.openConnection("a").value().release();
        }
        assertEquals(Limit.CONNECTION_RATE_PER_ADDRESS, l.openConnection("a").refusal().limit());
        assertTrue(l.openConnection("b").allowed());
        now.addAndGet(1000);
        assertTrue(l.openConnection("a").allowed());
    }

    @Test
    void restRateAndAgentsAndStreams() {
        Limits l = limits(0, 0, 0, 2);
        assertTrue(l.restRequest("a").isEmpty());
        assertTrue(l.restRequest("a").isEmpty());
        assertEquals(Limit.REST_RATE_PER_ADDRESS, l.restRequest("a").orElseThrow().limit());
        assertTrue(l.agent(Limit.PULL_AGENTS, 0).isEmpty());
        assertEquals("limit limits.maxPullAgents (1) reached", l.agent(Limit.PULL_AGENTS, 1).orElseThrow().message());
        assertTrue(l.stream(1).isEmpty());
        assertEquals(Limit.STREAMS_PER_CONNECTION, l.stream(2).orElseThrow().limit());
        assertEquals(1L, l.refusals().get(Limit.PULL_AGENTS));
    }

    @Test
    void noneLimitsNothing() {
        Limits l = Limits.none();
        for (int i = 0; i < 1000; i++) {
            assertTrue(l.openConnection("a").allowed());
            assertTrue(l.restRequest("a").isEmpty());
        }
        assertTrue(l.agent(Limit.MIXERS, 1_000_000).isEmpty());
    }
}
