package org.estuary.verticles.rtmp;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainSchedulerTest {
    /**
     * Players whose drain is requested again as fast as it runs (an overloaded machine: frames keep
     * arriving) must not keep the event loop to themselves: other tasks of the loop run in between.
     */
    @Test
    void drainsRequestedDuringAPassWaitForTheNextSoOtherTasksRunBetween() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Context ctx = vertx.getOrCreateContext();
            DrainScheduler scheduler = new DrainScheduler(ctx, 0);
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger seenByOtherTask = new AtomicInteger(-1);
            int each = 5_000;
            CountDownLatch done = new CountDownLatch(3);
            for (int p = 0; p < 3; p++) {
                Runnable[] self = new Runnable[1];
                AtomicInteger mine = new AtomicInteger();
                self[0] = () -> {
                    if (runs.incrementAndGet() == 1) {
                        // Queued from inside the first pass, so it competes with the passes only
                        // (queued from the test thread, it raced with hundreds of fast passes on a
                        // quiet machine and measured the test thread's scheduling instead).
                        ctx.runOnContext(v -> seenByOtherTask.set(runs.get()));
                    }
                    if (mine.incrementAndGet() < each) {
                        scheduler.request(self[0]); // more frames arrived meanwhile
                    } else {
                        done.countDown();
                    }
                };
                scheduler.request(self[0]);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every drain ran");
            assertEquals(3 * each, runs.get());
            assertTrue(seenByOtherTask.get() >= 0 && seenByOtherTask.get() < 100,
                    "another task of the loop ran after a pass or two, not after every drain: " + seenByOtherTask.get());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Drains requested during a publisher's read pass wait for the end of the pass (one wake-up of
     * the players' loop per read, not per frame: issue 14 target 1b); outside a pass they run at once.
     */
    @Test
    void drainsRequestedInAPublishPassRunWhenThePassEnds() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            DrainScheduler scheduler = new DrainScheduler(vertx.getOrCreateContext(), 0);
            CountDownLatch ran = new CountDownLatch(2);
            AtomicInteger runs = new AtomicInteger();
            PublishPass pass = PublishPass.begin();
            try {
                scheduler.request(() -> { runs.incrementAndGet(); ran.countDown(); });
                scheduler.request(() -> { runs.incrementAndGet(); ran.countDown(); });
                assertFalse(ran.await(200, TimeUnit.MILLISECONDS), "no drain runs while the pass lasts");
            } finally {
                pass.end();
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS), "both drains ran after the pass");
            CountDownLatch outside = new CountDownLatch(1);
            scheduler.request(outside::countDown);
            assertTrue(outside.await(10, TimeUnit.SECONDS), "outside a pass a drain runs at once");
            assertEquals(2, runs.get());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
