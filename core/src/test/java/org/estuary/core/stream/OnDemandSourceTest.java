package org.estuary.core.stream;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.estuary.core.net.PortPool;
import org.junit.jupiter.api.Test;

class OnDemandSourceTest {
    @Test
    void aWaitedNameIsDemandedAndTheCanonicalNameAwaited() throws Exception {
        StreamRegistry r = new StreamRegistry(64, 100, 1 << 20);
        List<String> asked = new ArrayList<>();
        r.addOnDemandSource(n -> {
            asked.add(n);
            return n.startsWith("enc:") ? n.substring(4) : null;
        });
        AtomicReference<Stream> got = new AtomicReference<>();
        r.awaitPublished("enc:cam", got::set);
        r.awaitPublished("plain", s -> fail("not demanded"));
        assertEquals(List.of("enc:cam", "plain"), asked);
        Stream s = r.publish("cam", new PublisherInfo("", "", "RTSP", Map.of()), 1000);
        assertSame(s, got.get());
        asked.clear();
        AtomicReference<Stream> live = new AtomicReference<>();
        r.awaitPublished("cam", live::set);
        assertSame(s, live.get());
        assertTrue(asked.isEmpty(), "a live name is not demanded");
    }

    @Test
    void portPairsAreEvenAndBothTaken() {
        PortPool p = new PortPool(41001, 41006);
        int a = p.acquirePair(x -> true).getAsInt();
        assertEquals(41002, a);
        assertEquals(2, p.inUse());
        assertTrue(p.acquirePair(x -> x != 41004).isEmpty(), "41004 refused by the claim, 41006 has no partner");
        assertEquals(41004, p.acquirePair(x -> true).getAsInt());
        p.release(41002);
        p.release(41003);
        assertEquals(41002, p.acquirePair(x -> true).getAsInt());
        assertEquals(4, p.inUse());
    }
}
