package org.estuary.core.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SpscRingTest {

    @Test
    void keepsOrderAcrossChunksAndRefusesPastCapacity() {
        SpscRing<Integer> ring = new SpscRing<>(100);
        assertEquals(128, ring.capacity());
        for (int i = 0; i < 128; i++) {
            assertTrue(ring.offer(i), "slot " + i);
        }
        assertFalse(ring.offer(128), "full at capacity");
        assertEquals(128, ring.size());
        for (int i = 0; i < 128; i++) {
            assertEquals(i, ring.poll());
        }
        assertNull(ring.poll());
        assertEquals(0, ring.size());
    }

    @Test
    void interleavedUseWrapsChunksManyTimes() {
        SpscRing<Integer> ring = new SpscRing<>(64);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 1000; round++) {
            int burst = 1 + round % 50;
            for (int i = 0; i < burst && ring.offer(next); i++) {
                next++;
            }
            int take = 1 + (round * 7) % 45;
            for (int i = 0; i < take; i++) {
                Integer v = ring.poll();
                if (v == null) {
                    break;
                }
                assertEquals(expected++, v);
            }
        }
        for (Integer v; (v = ring.poll()) != null; ) {
            assertEquals(expected++, v);
        }
        assertEquals(next, expected);
    }

    @Test
    void oneProducerOneConsumerThreadSeeEveryValueInOrder() throws Exception {
        SpscRing<Integer> ring = new SpscRing<>(1024);
        int total = 200_000;
        AtomicReference<String> error = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            int expected = 0;
            while (expected < total) {
                Integer v = ring.poll();
                if (v == null) {
                    Thread.yield();
                } else if (v != expected++) {
                    error.set("got " + v + " expected " + (expected - 1));
                    return;
                }
            }
        });
        consumer.start();
        for (int i = 0; i < total; ) {
            if (ring.offer(i)) {
                i++;
            } else {
                Thread.yield();
            }
        }
        consumer.join(60_000);
        assertFalse(consumer.isAlive(), "consumer finished");
        assertNull(error.get());
    }
}
