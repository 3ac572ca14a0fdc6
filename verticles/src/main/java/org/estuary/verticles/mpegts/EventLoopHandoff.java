package org.estuary.verticles.mpegts;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Moves byte blocks (and connection events, in order) from a receiver thread onto the verticle's event loop. One drain task is
 * scheduled at a time, so a burst costs one event-loop task rather than one per datagram. The
 * queue is bounded: if the event loop falls that far behind, blocks are dropped and counted
 * rather than filling the heap.
 */
final class EventLoopHandoff {
    /** About 26 MB of 1316-byte blocks, over 10 s at 20 Mbit/s. */
    static final int MAX_QUEUED = 20_000;

    private final Context context;
    private final Consumer<byte[]> sink;
    /** byte[] blocks and Runnable events, in the receiver's order. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile long dropped;

    /** @param sink called on the event loop of {@code context}, in arrival order */
    EventLoopHandoff(Context context, Consumer<byte[]> sink) {
        this.context = context;
        this.sink = sink;
    }

    long dropped() { return dropped; }

    /** From the (single) receiver thread. */
    void offer(byte[] block) {
        if (queued.get() >= MAX_QUEUED) {
            dropped++; // only the receiver thread writes it
            return;
        }
        enqueue(block);
    }

    /** Runs {@code task} on the event loop after the blocks offered before it and before those after. */
    void then(Runnable task) {
        enqueue(task);
    }

    private void enqueue(Object item) {
        queue.add(item);
        queued.incrementAndGet();
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        drainScheduled.set(false);
        for (Object o; (o = queue.poll()) != null; ) {
            queued.decrementAndGet();
            if (o instanceof byte[] b) {
                sink.accept(b);
            } else {
                ((Runnable) o).run();
            }
        }
    }

    void clear() {
        queue.clear();
        queued.set(0);
    }
}
