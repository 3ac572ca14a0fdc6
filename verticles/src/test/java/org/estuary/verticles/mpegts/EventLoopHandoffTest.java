package org.estuary.verticles.mpegts;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopHandoffTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void blocksAndEventsArriveOnTheEventLoopInTheReceiversOrder() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        List<String> seen = new ArrayList<>();
        List<Boolean> onLoop = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        EventLoopHandoff h = new EventLoopHandoff(ctx, b -> {
            seen.add("b" + b[0]);
            onLoop.add(Context.isOnEventLoopThread());
        });
        Thread receiver = new Thread(() -> {
            h.then(() -> seen.add("connected"));
            for (int i = 0; i < 100; i++) {
                h.offer(new byte[] {(byte) i});
            }
            h.then(() -> seen.add("disconnected"));
            h.offer(new byte[] {100});
            h.then(done::countDown);
        });
        receiver.start();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals("connected", seen.get(0));
        assertEquals("b99", seen.get(100));
        assertEquals("disconnected", seen.get(101));
        assertEquals("b100", seen.get(102));
        assertFalse(onLoop.contains(false), "every block delivered on the event loop");
        assertEquals(0, h.dropped());
    }

    @Test
    void aStalledEventLoopMakesBlocksDropInsteadOfQueueingWithoutBound() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CountDownLatch stall = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        ctx.runOnContext(v -> {
            stalled.countDown();
            try {
                stall.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(stalled.await(5, TimeUnit.SECONDS));
        int[] delivered = {0};
        EventLoopHandoff h = new EventLoopHandoff(ctx, b -> delivered[0]++);
        for (int i = 0; i < EventLoopHandoff.MAX_QUEUED + 7; i++) {
            h.offer(new byte[1316]);
        }
        assertEquals(7, h.dropped());
        CountDownLatch done = new CountDownLatch(1);
        h.then(done::countDown);
        stall.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(EventLoopHandoff.MAX_QUEUED, delivered[0]);
    }
}
