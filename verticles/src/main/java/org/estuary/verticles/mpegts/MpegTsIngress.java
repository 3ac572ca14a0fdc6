package org.estuary.verticles.mpegts;

import io.vertx.core.Future;

/**
 * Where a session's TS bytes come from (a UDP socket or an SRT listener). It delivers to the
 * session on the verticle's event loop, so the hub stream keeps a single publisher thread.
 */
interface MpegTsIngress {
    /** Starts delivering to {@code session}. */
    void start(MpegTsSession session);

    /** Stops receiving; the future completes once the port is free again. */
    Future<Void> close();
}
