package org.estuary.verticles.rtmp;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces "frames are waiting" signals for all players of one event loop: the publisher thread
 * hands a frame to hundreds of players, and waking their event loop once per frame instead of once
 * per player per frame saves a cross-thread task (and an eventfd write) per player. With a
 * coalescing delay the drains run at most every {@code coalesceMs}, so each player's write carries
 * every frame that arrived meanwhile: one system call for several frames.
 */
final class DrainScheduler {
    private final Context context;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final long coalesceMs;

    DrainScheduler(Context context, long coalesceMs) {
        this.context = context;
        this.coalesceMs = coalesceMs;
    }

    /** Any thread: run {@code drain} on this event loop soon, batched with the other requests. */
    void request(Runnable drain) {
        pending.add(drain);
        if (scheduled.compareAndSet(false, true) && !PublishPass.defer(this)) {
            schedule();
        }
    }

    /** Wakes this event loop for one pass (now, or after the coalescing delay); once per {@code scheduled}. */
    void schedule() {
        if (coalesceMs <= 0) {
            context.runOnContext(v -> runAll());
        } else {
            // The timer is armed from this context so that it fires on this event loop.
            context.runOnContext(v -> context.owner().setTimer(coalesceMs, id -> runAll()));
        }
    }

    /**
     * Runs what was pending when this pass began, not until the queue is empty: requests arriving
     * meanwhile have scheduled the next pass (the flag is cleared first), and leaving them to it lets
     * the event loop read sockets and fire timers in between. Draining until empty never ended on an
     * overloaded machine (players re-requesting as fast as they were drained): SoakBenchmark at load
     * average 60 saw the loop blocked 40 s, its publisher and players cut as idle, REST timing out.
     */
    void runAll() {
        scheduled.set(false);
        for (int n = pending.size(); n > 0; n--) {
            Runnable r = pending.poll();
            if (r == null) {
                break;
            }
            r.run();
        }
    }
}
