package org.estuary.core.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Events per second per key (a client address), counted in one-second windows. Thread-safe:
 * each key's window is updated atomically inside {@link ConcurrentHashMap#compute}. Keys whose
 * window has passed are dropped once the map grows, so a flood of addresses cannot grow it
 * without bound.
 */
final class RateWindow {
    private static final int PRUNE_ABOVE = 4096;

    private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();
    private final LongSupplier clockMs;

    RateWindow(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Counts one event for {@code key}; false when it is past {@code perSecond} in this second. */
    boolean tryCount(String key, int perSecond) {
        long second = clockMs.getAsLong() / 1000;
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> w[0] != second);
        }
        long[] w = windows.compute(key, (k, old) -> {
            if (old == null || old[0] != second) {
                return new long[] {second, 1};
            }
            old[1]++;
            return old;
        });
        return w[1] <= perSecond;
    }
}
