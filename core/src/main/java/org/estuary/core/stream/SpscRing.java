package org.estuary.core.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bounded single-producer / single-consumer queue. The publisher thread is the only producer and
 * the reader's thread the only consumer, so neither side takes a lock on the media path.
 *
 * <p>The slots live in small linked chunks rather than one array of the full capacity: every
 * player of every stream has one of these, and a player that keeps up holds a handful of frames,
 * so a 1,024-slot array per player (4 kB each, 8 MB at 2,000 players) was mostly empty memory.
 * Only a player that falls behind grows its chain, up to the capacity. The chunk the consumer
 * has just emptied is handed back to the producer as a spare, so a player that keeps up
 * allocates nothing in steady state.
 */
final class SpscRing<T> {
    /** Slots per chunk: a keeping-up player (a 50 ms drain at ~75 frames/s) needs about four. */
    static final int CHUNK = 32;

    private final int capacity;
    /** Next sequence to read; written by the consumer only. */
    private final AtomicLong head = new AtomicLong();
    /** Next sequence to write; written by the producer only. */
    private final AtomicLong tail = new AtomicLong();
    /** An emptied chunk the consumer gives back for the producer's next link (or null). */
    private final AtomicReference<Chunk<T>> spare = new AtomicReference<>();
    /** Producer's chunk (holds sequence tail, or is full at a chunk boundary). */
    private Chunk<T> producerChunk;
    /** Consumer's chunk (holds sequence head). */
    private Chunk<T> consumerChunk;

    SpscRing(int minCapacity) {
        capacity = Math.max(CHUNK, Integer.highestOneBit(Math.max(2, minCapacity - 1)) << 1);
        producerChunk = new Chunk<>();
        consumerChunk = producerChunk;
    }

    int capacity() {
        return capacity;
    }

    /** Producer side. Returns false when full. */
    boolean offer(T value) {
        long t = tail.get();
        if (t - head.get() >= capacity) {
            return false;
        }
        int i = (int) (t % CHUNK);
        if (i == 0 && t > 0) {
            Chunk<T> next = spare.getAndSet(null);
            if (next == null) {
                next = new Chunk<>();
            } else {
                next.next.lazySet(null);
            }
            // Linked before the tail moves: a consumer that sees the new tail sees the link too.
            producerChunk.next.lazySet(next);
            producerChunk = next;
        }
        producerChunk.slots.lazySet(i, value);
        tail.lazySet(t + 1);
        return true;
    }

    /** Consumer side. Returns null when empty. */
    T poll() {
        long h = head.get();
        if (h >= tail.get()) {
            return null;
        }
        int i = (int) (h % CHUNK);
        if (i == 0 && h > 0) {
            Chunk<T> done = consumerChunk;
            consumerChunk = done.next.get();
            spare.lazySet(done);
        }
        T value = consumerChunk.slots.get(i);
        consumerChunk.slots.lazySet(i, null);
        head.lazySet(h + 1);
        return value;
    }

    /** Approximate size, safe from either side. */
    int size() {
        long s = tail.get() - head.get();
        return (int) Math.max(0, Math.min(s, capacity));
    }

    private static final class Chunk<T> {
        final AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(CHUNK);
        final AtomicReference<Chunk<T>> next = new AtomicReference<>();
    }
}
