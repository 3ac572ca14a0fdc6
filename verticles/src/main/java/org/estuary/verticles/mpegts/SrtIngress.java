package org.estuary.verticles.mpegts;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.estuary.media.srt.SrtTsListener;
import org.estuary.media.srt.SrtTsReceiver;

/**
 * MPEG-TS from an SRT caller through {@link SrtTsReceiver} (FFmpeg's libsrt, listener mode). The
 * receiver thread queues the blocks and schedules one drain at a time on the event loop, so a burst
 * costs one event-loop task rather than one per 1316-byte message. The queue is bounded: if the
 * event loop falls that far behind, blocks are dropped and counted rather than filling the heap.
 */
final class SrtIngress implements MpegTsIngress, SrtTsListener {
    /** About 26 MB of 1316-byte messages, over 10 s at 20 Mbit/s. */
    static final int MAX_QUEUED = 20_000;

    private final Context context;
    private final String bindHost;
    private final int port;
    private final int latencyMs;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile long dropped;
    private MpegTsSession session;
    private SrtTsReceiver receiver;

    SrtIngress(Context context, String bindHost, int port, int latencyMs) {
        this.context = context;
        this.bindHost = bindHost;
        this.port = port;
        this.latencyMs = latencyMs;
    }

    long droppedBlocks() { return dropped; }

    boolean callerConnected() { return receiver != null && receiver.isConnected(); }

    @Override
    public void start(MpegTsSession session) {
        this.session = session;
        this.receiver = SrtTsReceiver.start(bindHost, port, latencyMs, this);
    }

    @Override
    public void connected(int connection) {
        context.runOnContext(v -> session.callerConnected(connection));
    }

    @Override
    public void data(byte[] bytes) {
        if (queued.get() >= MAX_QUEUED) {
            dropped++; // only this receiver thread writes it
            return;
        }
        queue.add(bytes);
        queued.incrementAndGet();
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    @Override
    public void disconnected(int connection, String reason) {
        context.runOnContext(v -> session.callerDisconnected(connection, reason));
    }

    private void drain() {
        drainScheduled.set(false);
        for (byte[] b; (b = queue.poll()) != null; ) {
            queued.decrementAndGet();
            session.received(b);
        }
    }

    @Override
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        if (receiver == null) {
            done.complete();
        } else {
            // completes on the receiver thread once libsrt let go of the port; hop back for the caller
            receiver.closeAsync().whenComplete((v, e) -> context.runOnContext(x -> done.complete()));
        }
        queue.clear();
        return done.future();
    }
}
