package org.estuary.core.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NetBookkeepingTest {
    @Test
    void poolHandsOutEachPortOnceSkipsUnbindableAndRoundRobins() {
        PortPool pool = new PortPool(5000, 5003);
        assertEquals(5000, pool.acquire(p -> true).getAsInt());
        assertEquals(5002, pool.acquire(p -> p != 5001).getAsInt(), "5001 could not be bound");
        assertEquals(5003, pool.reserveNext().getAsInt());
        assertEquals(5001, pool.reserveNext().getAsInt());
        assertEquals(OptionalInt.empty(), pool.reserveNext(), "exhausted");
        pool.release(5002);
        assertEquals(5002, pool.reserveNext().getAsInt());
        assertEquals(4, pool.inUse());
        assertThrows(IllegalArgumentException.class, () -> new PortPool(10, 5));
    }

    @Test
    void allowListMatchesAddressesAndCidrBlocks() {
        AddressFilter f = AddressFilter.parse(List.of("10.1.2.3", "192.168.0.0/16", "::1"));
        assertTrue(f.allows("10.1.2.3"));
        assertFalse(f.allows("10.1.2.4"));
        assertTrue(f.allows("192.168.77.1"));
        assertFalse(f.allows("192.169.0.1"));
        assertTrue(f.allows("::1"));
        assertFalse(f.allows("127.0.0.1"));
        assertTrue(AddressFilter.parse(List.of()).allows("1.2.3.4"));
        assertTrue(AddressFilter.parse(List.of("0.0.0.0/0")).allows("8.8.8.8"));
    }

    @Test
    void allowListRefusesNamesAndBadBlocksWithoutLookingThemUp() {
        for (String bad : new String[] {"example.com", "999.1.1.1", "10.0.0.0/33", "10.0.0.0/x", "", "1.2.3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AddressFilter.parse(List.of(bad)), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
