package org.estuary.core.session;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the RTMP server, shared by all its verticle instances; read by the metrics endpoint. */
public final class RtmpMetrics {
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsOpen = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder framesOut = new LongAdder();

    public void connectionOpened() {
        connectionsOpened.increment();
        connectionsOpen.increment();
    }

    public void connectionClosed() {
        connectionsOpen.decrement();
    }

    public void bytesIn(long n) { bytesIn.add(n); }
    public void bytesOut(long n) { bytesOut.add(n); }
    public void framesOut(long n) { framesOut.add(n); }

    public long connectionsOpened() { return connectionsOpened.sum(); }
    public long connectionsOpen() { return connectionsOpen.sum(); }
    public long bytesIn() { return bytesIn.sum(); }
    public long bytesOut() { return bytesOut.sum(); }
    public long framesOut() { return framesOut.sum(); }
}
