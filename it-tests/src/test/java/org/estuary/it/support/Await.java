package org.estuary.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Polls a condition until it holds or a deadline passes. Tests of a live server observe state that
 * settles asynchronously (a stream appears after the handshake, a process exits after the socket
 * closes); a fixed sleep would be either flaky or slow, polling is neither.
 */
public final class Await {
    private static final long POLL_MS = 200;

    private Await() { }

    /**
     * Calls {@code probe} until it returns non-null, and returns that value. Exceptions from the
     * probe count as "not yet" (the last one is reported if the deadline passes).
     */
    public static <T> T value(Duration timeout, String what, Callable<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (true) {
            try {
                T v = probe.call();
                if (v != null) {
                    return v;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (last == null ? "" : "; last problem: " + last));
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Waits until {@code condition} is true. */
    public static void until(Duration timeout, String what, Callable<Boolean> condition) throws InterruptedException {
        value(timeout, what, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
    }
}
