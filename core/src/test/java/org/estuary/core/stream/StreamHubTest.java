package org.estuary.core.stream;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

class StreamHubTest {
    private static final PublisherInfo PUB = new PublisherInfo("/1.2.3.4:1/5.6.7.8:2", "live", "Flash", Map.of());

    private final StreamRegistry registry = new StreamRegistry(64, 100, 1 << 20);

    private static Frame video(long ms, boolean key) {
        return Frame.media(Codec.H264, ms * 1000, ms * 1000, key, new byte[] {(byte) ms, 1, 2});
    }

    private static Frame audio(long ms) {
        return Frame.media(Codec.AAC, ms * 1000, ms * 1000, true, new byte[] {(byte) ms});
    }

    private static List<Frame> drain(StreamReader r) {
        List<Frame> out = new ArrayList<>();
        r.beginDrain();
        for (Frame f; (f = r.poll()) != null; ) {
            out.add(f);
        }
        return out;
    }

    @Test
    void newReaderStartsWithConfigThenCachedGopFromKeyframe() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        Frame cfg = Frame.config(Codec.H264, 0, new byte[] {1, 0x42});
        s.publish(cfg);
        s.publish(video(0, true));
        s.publish(video(33, false));
        s.publish(video(66, true));
        s.publish(audio(70));
        s.publish(video(100, false));
        StreamReader r = s.addReader(ReaderInfo.internal("r1", "test"), () -> { });
        assertTrue(drain(r).isEmpty(), "join is admitted by the publisher thread on the next frame");
        s.publish(video(133, false));
        List<Frame> got = drain(r);
        assertSame(cfg, got.get(0));
        assertTrue(got.get(1).isKeyframe());
        assertEquals(66_000, got.get(1).dtsUs(), "starts at the last keyframe, not the first");
        assertEquals(List.of(66_000L, 70_000L, 100_000L, 133_000L),
                got.subList(1, got.size()).stream().map(Frame::dtsUs).toList());
    }

    @Test
    void slowReaderDropsToNextKeyframeWithoutStallingPublisherOrFastReader() throws Exception {
        Stream s = registry.publish("cam2", PUB, 10_000);
        s.publish(Frame.config(Codec.H264, 0, new byte[] {1}));
        s.publish(video(0, true));
        AtomicInteger fastSignals = new AtomicInteger();
        StreamReader slow = s.addReader(ReaderInfo.internal("slow", "test"), () -> { });
        StreamReader fast = s.addReader(ReaderInfo.internal("fast", "test"), fastSignals::incrementAndGet);
        List<Frame> fastGot = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 1; i <= 1000; i++) {
            s.publish(video(i * 10L, i % 50 == 0)); // keyframe every 50 frames
            fastGot.addAll(drain(fast));
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsedMs < 2000, "publisher never blocks on a slow reader: " + elapsedMs + " ms");
        assertEquals(0, fast.droppedFrames());
        assertTrue(fastGot.size() >= 1000, "fast reader got every frame: " + fastGot.size());
        assertTrue(slow.droppedFrames() > 800, "slow reader dropped: " + slow.droppedFrames());
        List<Frame> slowGot = drain(slow);
        assertTrue(slowGot.size() <= slow.info().mediaSessionId().length() + 64);
        // The slow reader's queue still starts decodable and stays bounded.
        assertTrue(slowGot.get(0).isConfig() || slowGot.get(0).isKeyframe());
        // After catching up it resumes at a keyframe, with configuration resent first.
        for (int i = 1001; i <= 1100; i++) {
            s.publish(video(i * 10L, i % 50 == 0));
        }
        List<Frame> resumed = drain(slow);
        assertFalse(resumed.isEmpty());
        assertTrue(resumed.get(0).isConfig(), "config resent before the resume keyframe");
        assertTrue(resumed.get(1).isKeyframe());
        assertEquals(1050 * 10_000L, resumed.get(1).dtsUs());
    }

    @Test
    void readersAreSignalledOnlyWhenTheyEmptiedTheirQueue() throws Exception {
        Stream s = registry.publish("cam3", PUB, 10_000);
        AtomicInteger signals = new AtomicInteger();
        StreamReader r = s.addReader(ReaderInfo.internal("r", "test"), signals::incrementAndGet);
        s.publish(video(0, true));
        s.publish(video(10, false));
        s.publish(video(20, false));
        assertEquals(1, signals.get());
        drain(r);
        s.publish(video(30, false));
        assertEquals(2, signals.get());
    }

    @Test
    void endWakesReadersAndReleasesTheName() throws Exception {
        Stream s = registry.publish("cam4", PUB, 10_000);
        CountDownLatch woke = new CountDownLatch(1);
        StreamReader r = s.addReader(ReaderInfo.internal("r", "test"), woke::countDown);
        s.publish(video(0, true));
        drain(r);
        s.end("Stopped by rest /terminate");
        assertTrue(woke.await(1, TimeUnit.SECONDS));
        assertTrue(r.isEnded());
        assertEquals("Stopped by rest /terminate", r.endReason());
        assertTrue(registry.find("cam4").isEmpty());
        assertNotSame(s, registry.publish("cam4", PUB, 10_000));
    }

    @Test
    void secondPublisherIsRefusedUnlessTheFirstWentIdle() throws Exception {
        Stream first = registry.publish("cam5", PUB, 10_000);
        first.publish(video(0, true));
        assertThrows(NameInUseException.class, () -> registry.publish("cam5", PUB, 10_000));
        AtomicInteger kicked = new AtomicInteger();
        first.onTerminate(kicked::incrementAndGet);
        Stream second = registry.publish("cam5", PUB, 0); // idle threshold reached at once
        assertTrue(first.isEnded());
        assertEquals(1, kicked.get());
        assertSame(second, registry.find("cam5").orElseThrow());
    }

    @Test
    void awaitPublishedFiresOnceAndCanBeCancelled() throws Exception {
        AtomicReference<Stream> seen = new AtomicReference<>();
        registry.awaitPublished("later", seen::set);
        Runnable cancel = registry.awaitPublished("never", s -> fail("cancelled"));
        cancel.run();
        Stream s = registry.publish("later", PUB, 10_000);
        registry.publish("never", PUB, 10_000);
        assertSame(s, seen.get());
    }

    @Test
    void concurrentPublisherAndReaderThreadsLoseNothingWhenTheReaderKeepsUp() throws Exception {
        Stream s = registry.publish("cam6", PUB, 10_000);
        s.publish(video(0, true));
        CountDownLatch done = new CountDownLatch(1);
        List<Frame> got = new ArrayList<>();
        StreamReader r = s.addReader(ReaderInfo.internal("r", "test"), () -> { });
        Thread consumer = new Thread(() -> {
            while (!r.isEnded()) {
                got.addAll(drain(r));
                Thread.onSpinWait();
            }
            got.addAll(drain(r));
            done.countDown();
        });
        consumer.start();
        for (int i = 1; i <= 20_000; i++) {
            s.publish(audio(i));
            if (i % 16 == 0) {
                Thread.sleep(0, 1000);
                while (r.queued() > 32) {
                    Thread.onSpinWait();
                }
            }
        }
        s.end("done");
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(0, r.droppedFrames());
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).dtsUs() > got.get(i - 1).dtsUs(), "in order");
        }
        assertEquals(20_000, got.stream().filter(f -> f.isAudio()).count());
    }
}
