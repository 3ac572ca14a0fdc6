package org.estuary.verticles.mpegts;

import io.vertx.core.Future;

/**
 * Where a session's TS bytes come from (a UDP socket or an SRT listener), each read on its own
 * receiver thread and handed to the session on the verticle's event loop, so the hub stream keeps
 * a single publisher thread.
 */
interface MpegTsIngress {
    /** Starts delivering to {@code session}. */
    void start(MpegTsSession session);

    /** Blocks dropped because the event loop fell too far behind. */
    long droppedBlocks();

    /** Datagrams ignored because their sender is outside the allowedList (UDP only). */
    default long rejected() {
        return 0;
    }

    /** Stops receiving; the future completes once the port is free again. */
    Future<Void> close();
}
