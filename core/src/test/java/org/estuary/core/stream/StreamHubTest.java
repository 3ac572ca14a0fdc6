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
        s.publish(video(133, false));
        List<Frame> got = drain(r);
        assertSame(cfg, got.get(0));
        assertTrue(got.get(1).isKeyframe());
        assertEquals(66_000, got.get(1).dtsUs(), "starts at the last keyframe, not the first");
        assertEquals(List.of(66_000L, 70_000L, 100_000L, 133_000L),
                got.subList(1, got.size()).stream().map(Frame::dtsUs).toList());
    }

    @Test
    void readerJoiningASilentStreamGetsConfigAndCachedGopWithoutWaitingForAFrame() throws Exception {
        Stream s = registry.publish("quiet", PUB, 10_000);
        Frame cfg = Frame.config(Codec.H264, 0, new byte[] {1, 0x42});
        s.publish(cfg);
        s.publish(video(0, true));
        s.publish(audio(10));
        s.publish(video(33, false));
        // The publisher now sends nothing (a camera reconnecting, a slide source): a joiner must
        // still get the sequence header and the picture cached so far, and be told so.
        AtomicInteger signals = new AtomicInteger();
        StreamReader r = s.addReader(ReaderInfo.internal("late", "test"), signals::incrementAndGet);
        assertEquals(1, signals.get(), "the joiner is signalled by its seed, not by a later frame");
        List<Frame> got = drain(r);
        assertEquals(4, got.size(), "config + key frame + audio + delta: " + got);
        assertSame(cfg, got.get(0));
        assertEquals(List.of(0L, 10_000L, 33_000L), got.subList(1, 4).stream().map(Frame::dtsUs).toList());
        s.publish(video(66, false));
        assertEquals(List.of(66_000L), drain(r).stream().map(Frame::dtsUs).toList(), "then live, nothing repeated");
    }

    @Test
    void audioBeforeTheStreamKnowsItHasVideoIsNotCachedAsAStartPoint() throws Exception {
        // A browser publish: Opus->AAC audio flows first, then the first VP8 key frame describes the
        // stream as H.264 ahead of the transcode that has not started yet (no reader wants it).
        Stream s = registry.publish("ahead", PUB, 10_000);
        s.publish(audio(0));
        s.publish(audio(21));
        s.describe(MediaDescription.EMPTY.withVideo(Codec.H264, 640, 480, 30));
        for (int ms = 42; ms < 1000; ms += 21) { // fewer than the cache's 100-frame bound
            s.publish(audio(ms));
        }
        StreamReader r = s.addReader(ReaderInfo.internal("rtmp", "test"), () -> { });
        assertEquals(List.of(), drain(r), "no seconds of audio in one burst before any picture");
        s.publish(video(1000, true));
        s.publish(audio(1010));
        assertEquals(List.of(1_000_000L, 1_010_000L), drain(r).stream().map(Frame::dtsUs).toList());
    }

    @Test
    void afterDropCachedGopAJoinerStartsAtTheNextKeyframe() throws Exception {
        Stream s = registry.publish("paused", PUB, 10_000);
        Frame cfg = Frame.config(Codec.H264, 0, new byte[] {1, 0x42});
        s.publish(cfg);
        s.publish(video(0, true));
        s.publish(video(33, false));
        s.dropCachedGop(); // the video pauses (an on-demand transcode stopped)
        s.publish(audio(5000));
        StreamReader r = s.addReader(ReaderInfo.internal("after-pause", "test"), () -> { });
        s.publish(audio(5020));
        assertTrue(drain(r).stream().noneMatch(f -> !f.isConfig()), "nothing stale, no audio ahead of the picture");
        s.publish(video(5040, true));
        s.publish(audio(5041));
        List<Frame> got = drain(r);
        assertSame(cfg, got.get(0), "configuration again before the key frame");
        assertEquals(List.of(5040_000L, 5041_000L), got.subList(1, got.size()).stream().map(Frame::dtsUs).toList());
    }

    @Test
    void readersJoiningWhileThePublisherRunsMissAndRepeatNothing() throws Exception {
        StreamRegistry big = new StreamRegistry(1 << 14, 100, 1 << 20);
        Stream s = big.publish("busy", PUB, 10_000);
        Frame cfg = Frame.config(Codec.H264, 0, new byte[] {1, 0x42});
        s.publish(cfg);
        java.util.concurrent.atomic.AtomicBoolean joined = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger published = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            int i = 0;
            // keeps publishing until every joiner is in (bounded: the readers' queues are never drained)
            for (; (!joined.get() || i < 200) && i < 10_000; i++) {
                s.publish(video(i, i % 25 == 0));
                published.set(i);
                if (i == 100) {
                    started.countDown();
                }
            }
            published.set(i);   // frames published: 0 .. i-1
        });
        publisher.start();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        List<StreamReader> joiners = new ArrayList<>();
        while (joiners.size() < 50 && publisher.isAlive()) { // one join per published frame or so, each racing a publish
            int seen = published.get();
            joiners.add(s.addReader(ReaderInfo.internal("j" + joiners.size(), "test"), () -> { }));
            while (published.get() == seen && publisher.isAlive()) {
                Thread.onSpinWait();
            }
        }
        joined.set(true);
        publisher.join();
        int frames = published.get();
        // how many joined during the 10,000 frames depends on the scheduler (14 at load average 60);
        // each one that did is checked below
        assertFalse(joiners.isEmpty(), "readers joined while frames were published");
        for (StreamReader r : joiners) {
            List<Frame> got = drain(r);
            assertSame(cfg, got.get(0), r + " starts with the sequence header");
            assertTrue(got.get(1).isKeyframe(), r + " then a key frame");
            for (int i = 2; i < got.size(); i++) {
                assertEquals(got.get(i - 1).dtsUs() + 1000, got.get(i).dtsUs(), r + ": no gap, no repeat at " + i);
            }
            assertEquals((frames - 1) * 1000L, got.get(got.size() - 1).dtsUs(), r + " reaches the last frame");
            assertEquals(0, r.droppedFrames());
        }
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
        // 1000 offers take well under a millisecond; a publisher blocked by the slow reader would
        // never finish, so 2 s only guards against a stall and leaves room for a loaded machine.
        assertTrue(elapsedMs < 2000, "publisher never blocks on a slow reader: " + elapsedMs + " ms");
        assertEquals(0, fast.droppedFrames());
        assertTrue(fastGot.size() >= 1000, "fast reader got every frame: " + fastGot.size());
        assertTrue(slow.droppedFrames() > 800, "slow reader dropped: " + slow.droppedFrames());
        List<Frame> slowGot = drain(slow);
        assertTrue(slowGot.size() <= 64, "bounded by the reader capacity: " + slowGot.size());
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
