package org.estuary.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent checks of one test side by side (each on its own thread), so that a class pays
 * for the slowest of its probes instead of their sum; the suite has a time budget. Every task is
 * waited for; the first failure is rethrown with the others attached as suppressed.
 */
public final class Parallel {
    private Parallel() { }

    /** A check that may throw. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** Runs every task at once and returns when all ended. */
    public static void run(List<? extends Task> tasks) throws Exception {
        List<Callable<Object>> calls = new ArrayList<>();
        for (Task t : tasks) {
            calls.add(() -> {
                t.run();
                return null;
            });
        }
        values(calls);
    }

    public static void run(Task... tasks) throws Exception {
        run(List.of(tasks));
    }

    /** Calls every callable at once; their results in order. */
    public static <T> List<T> values(List<? extends Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, calls.size()), r -> {
            Thread t = new Thread(r, "it-parallel");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(c));
            }
            List<T> out = new ArrayList<>();
            Throwable first = null;
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    } else {
                        first.addSuppressed(e.getCause());
                    }
                    out.add(null);
                }
            }
            if (first instanceof Exception e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
