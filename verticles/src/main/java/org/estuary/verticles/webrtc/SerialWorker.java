package org.estuary.verticles.webrtc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one owner's jobs in order on a shared pool, one at a time, so a session's codec objects
 * are only touched by one thread at a time without a thread of their own. Bounded: jobs beyond
 * {@code limit} waiting are dropped and counted.
 */
final class SerialWorker {
    private final Executor pool;
    private final int limit;
    private final ConcurrentLinkedQueue<Runnable> jobs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private long dropped;

    SerialWorker(Executor pool, int limit) {
        this.pool = pool;
        this.limit = limit;
    }

    /** @param mustRun true for clean-up jobs that are never dropped */
    void submit(Runnable job, boolean mustRun) {
        if (!mustRun && pending.get() >= limit) {
            dropped++;
            return;
        }
        jobs.add(job);
        if (pending.getAndIncrement() == 0) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // pool shut down (server stopping): run what is queued here, clean-up included
                drain();
            }
        }
    }

    long dropped() {
        return dropped;
    }

    private void drain() {
        do {
            Runnable r = jobs.poll();
            if (r != null) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(SerialWorker.class).warn("WebRTC worker job failed", e);
                }
            }
        } while (pending.decrementAndGet() > 0);
    }
}
