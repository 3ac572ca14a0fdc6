package org.estuary.verticles.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Relay chains through {@code cdn.relayVia}: the ones that reach the origin, and the loops that are refused. */
class RelayChainTest {

    /** relayVia by node id; a node absent from the map is not live. */
    private static List<String> loop(String self, String origin, Map<String, String> relayVia) {
        return RelayChain.loop(self, origin, relayVia::get);
    }

    private static Map<String, String> nodes(String... idAndVia) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < idAndVia.length; i += 2) {
            m.put(idAndVia[i], idAndVia[i + 1]);
        }
        return m;
    }

    @Test
    void twoEdgesThatRelayThroughEachOtherLoop() {
        Map<String, String> n = nodes("a", "b", "b", "a", "o", "");
        assertEquals(List.of("a", "b", "a"), loop("a", "o", n));
        assertEquals(List.of("b", "a", "b"), loop("b", "o", n));
        assertEquals("Relay loop: a -> b -> a", RelayChain.describe(loop("a", "o", n)));
    }

    @Test
    void aLongerCycleIsFoundWhereverItStarts() {
        Map<String, String> n = nodes("a", "b", "b", "c", "c", "b", "o", "");
        assertEquals(List.of("a", "b", "c", "b"), loop("a", "o", n), "a feeds a loop it is not part of");
        assertEquals(List.of("c", "b", "c"), loop("c", "o", n));
    }

    @Test
    void chainsThatReachTheOriginDoNotLoop() {
        assertEquals(List.of(), loop("a", "o", nodes("a", "", "o", "")), "no relayVia: straight from the origin");
        assertEquals(List.of(), loop("a", "o", nodes("a", "b", "b", "", "o", "")), "a via b, b from the origin");
        assertEquals(List.of(), loop("a", "o", nodes("a", "b", "b", "c", "c", "o", "o", "")), "via names the origin");
        assertEquals(List.of(), loop("a", "o", nodes("a", "a", "o", "")), "a relayVia naming the node itself is ignored");
        // b's relayVia names a: but for a stream whose origin is a, b relays from a, the origin, and a plays it
        assertEquals(List.of(), loop("b", "a", nodes("a", "b", "b", "a")));
    }

    @Test
    void aViaNodeThatIsNotLiveIsSkippedSoTheChainEndsThere() {
        // a's relayVia b is gone: a relays from the origin (EdgeRelays.source), no loop
        assertEquals(List.of(), loop("a", "o", nodes("a", "b", "o", "")));
        // c is gone: b relays from the origin, even though a and b name each other through c
        assertEquals(List.of(), loop("a", "o", nodes("a", "b", "b", "c", "o", "")));
    }
}
