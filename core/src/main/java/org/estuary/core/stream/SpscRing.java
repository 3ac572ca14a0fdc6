package org.estuary.core.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bounded single-producer / single-consumer ring. The publisher thread is the only producer and
 * the reader's thread the only consumer, so neither side takes a lock on the media path.
 */
final class SpscRing<T> {
    private final AtomicReferenceArray<T> slots;
    private final int mask;
    /** Next slot to read; written by the consumer only. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot to write; written by the producer only. */
    private final AtomicLong tail = new AtomicLong();

    SpscRing(int minCapacity) {
        int cap = Integer.highestOneBit(Math.max(2, minCapacity - 1)) << 1;
        slots = new AtomicReferenceArray<>(cap);
        mask = cap - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Producer side. Returns false when full. */
    boolean offer(T value) {
        long t = tail.get();
        if (t - head.get() > mask) {
            return false;
        }
        slots.lazySet((int) (t & mask), value);
        tail.lazySet(t + 1);
        return true;
    }

    /** Consumer side. Returns null when empty. */
    T poll() {
        long h = head.get();
        if (h >= tail.get()) {
            return null;
        }
        int i = (int) (h & mask);
        T value = slots.get(i);
        slots.lazySet(i, null);
        head.lazySet(h + 1);
        return value;
    }

    /** Approximate size, safe from either side. */
    int size() {
        long s = tail.get() - head.get();
        return (int) Math.max(0, Math.min(s, capacity()));
    }
}
