package org.estuary.verticles.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.estuary.core.net.PortPool;
import org.junit.jupiter.api.Test;

/** RTP/RTCP pairs from the media range: even/odd, a port held elsewhere skipped, exhaustion a clear failure. */
class UdpPortPairsTest {

    /** An even port whose pair (port, port + 1) is free right now, for a range of our own. */
    private static int freeEvenPair() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                p = probe.getLocalPort() & ~1;
            }
            if (p >= 1024 && p + 3 < 65536 && bindable(p) && bindable(p + 1) && bindable(p + 2) && bindable(p + 3)) {
                return p;
            }
        }
        throw new AssertionError("no free UDP ports");
    }

    private static boolean bindable(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void bindsAnEvenOddPairSkipsATakenOneAndFailsWhenNoneIsLeft() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            int base = freeEvenPair();
            PortPool pool = new PortPool(base, base + 3);
            UdpPortPairs pairs = new UdpPortPairs(vertx, pool, "127.0.0.1", 64 * 1024);
            try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", base + 1))) {
                // base/base+1 is taken by another process (its RTCP half): the next pair is used
                UdpPortPairs.Pair pair = pairs.bind().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(base + 2, pair.port());
                assertEquals(base + 2, pair.rtp().localAddress().port());
                assertEquals(base + 3, pair.rtcp().localAddress().port());
                // the range has no other pair: a failure naming the range, not a hang
                Throwable e = assertThrows(Exception.class,
                        () -> pairs.bind().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(UdpPortPairs.NoFreePair.class, e);
                assertTrue(e.getMessage().contains(base + "-" + (base + 3)), e.getMessage());
                pair.rtp().close();
                pair.rtcp().close();
                pairs.release(pair.port());
            }
            assertEquals(0, pool.inUse(), "every port went back to the pool");
        } finally {
            vertx.close();
        }
    }
}
