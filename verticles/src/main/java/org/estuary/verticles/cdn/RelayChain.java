package org.estuary.verticles.cdn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The path a relay of a stream takes through {@code cdn.relayVia} settings, and whether it loops. A node with a
 * {@code relayVia} pulls every stream it lacks from that node, which pulls it from its own {@code relayVia} in
 * turn, and so on until a node relays from the origin (no {@code relayVia}, or it names the origin itself or a
 * node that is not live). Two edges that name each other (A via B, B via A) would otherwise play each other
 * forever, each waiting for the other's copy: such a chain is refused instead of started.
 */
final class RelayChain {
    /** The text a refused player gets (RTMP onStatus description) and the log line starts with. */
    static final String LOOP = "Relay loop";

    private RelayChain() { }

    /**
     * The nodes a relay started on {@code self} for a stream of {@code origin} would go through, ending with the
     * first node met twice; empty when the chain reaches the origin.
     *
     * @param relayViaOf a node's {@code relayVia} ("" or null when it relays from the origin; null too for a node
     *                   that is not live, which the node before it skips, going to the origin)
     */
    static List<String> loop(String self, String origin, Function<String, String> relayViaOf) {
        List<String> path = new ArrayList<>(List.of(self));
        String at = self;
        while (true) {
            String via = relayViaOf.apply(at);
            // the rules of EdgeRelays.source: no via, via itself or via the origin means "from the origin"
            if (via == null || via.isEmpty() || via.equals(at) || via.equals(origin) || !live(via, relayViaOf)) {
                return List.of();
            }
            boolean seen = path.contains(via);
            path.add(via);
            if (seen) {
                return path;
            }
            at = via;
        }
    }

    /** A node a relay would go through answers a relayVia (possibly ""); one that is not live answers null. */
    private static boolean live(String node, Function<String, String> relayViaOf) {
        return relayViaOf.apply(node) != null;
    }

    /** {@code "Relay loop: a -> b -> a"}. */
    static String describe(List<String> loop) {
        return LOOP + ": " + String.join(" -> ", loop);
    }
}
