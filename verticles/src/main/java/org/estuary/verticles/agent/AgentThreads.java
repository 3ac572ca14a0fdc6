package org.estuary.verticles.agent;

import io.vertx.core.Context;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The two threads of an agent: its Vert.x context (control, status, the stream follower's owner)
 * and one media worker of its own (decode, encode, send), which owns the agent's native objects
 * and closes them as its last task. Every agent starts and ends them the same way.
 */
public final class AgentThreads {
    private AgentThreads() { }

    /** A single daemon thread named {@code name} (shown in thread dumps and /health). */
    public static ExecutorService worker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs tasks on {@code ctx}: the owner executor a {@code StreamFollower} reports to. */
    public static Executor on(Context ctx) {
        return r -> ctx.runOnContext(v -> r.run());
    }

    /**
     * Ends {@code worker}: {@code lastTask} (closing the native objects the worker owns) runs after
     * every task already queued, then the thread ends. A worker already shut down skips it.
     */
    public static void finish(ExecutorService worker, Runnable lastTask) {
        try {
            worker.execute(lastTask);
        } catch (RejectedExecutionException e) {
            // already shut down: its last task ran then
        }
        worker.shutdown();
    }
}
