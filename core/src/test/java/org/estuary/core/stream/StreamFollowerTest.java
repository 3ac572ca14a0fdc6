package org.estuary.core.stream;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

/**
 * The follower on hand-pumped executors: every hop onto the owner or media thread is a queued
 * task the test runs explicitly, so each step of the lifecycle is observable.
 */
class StreamFollowerTest {
    private static final PublisherInfo PUB = new PublisherInfo("pub", "live", "test", Map.of());

    private final StreamRegistry registry = new StreamRegistry(64, 100, 1 << 20);
    private final Pump owner = new Pump();
    private final Pump media = new Pump();
    private final Sink sink = new Sink();
    private final List<String> events = new ArrayList<>();

    /** An executor whose tasks run when the test says so. */
    private static final class Pump implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void run() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }
    }

    private static final class Sink implements FrameSink {
        final List<Frame> frames = new ArrayList<>();
        final List<Stream> sources = new ArrayList<>();
        int room = Integer.MAX_VALUE;

        @Override
        public void frame(Frame f, Stream source) {
            frames.add(f);
            room--;
        }

        @Override
        public boolean wants() {
            return room > 0;
        }

        @Override
        public void sourceChanged(Stream source) {
            sources.add(source);
        }
    }

    private StreamFollower.Builder follower(String name) {
        return StreamFollower.of(registry, name)
                .owner(owner)
                .reader(s -> ReaderInfo.internal("reader-of-" + s.mediaSessionId(), "test"))
                .onPublished(r -> events.add("published " + r.stream().mediaSessionId()))
                .onUnpublished((s, why) -> events.add("unpublished " + why))
                .drainOn(media, sink);
    }

    private void pumpAll() {
        for (int i = 0; i < 10 && (!owner.tasks.isEmpty() || !media.tasks.isEmpty()); i++) {
            owner.run();
            media.run();
        }
    }

    private static Frame video(long ms, boolean key) {
        return Frame.media(Codec.H264, ms * 1000, ms * 1000, key, new byte[] {(byte) ms});
    }

    @Test
    void followsTheNameAcrossRepublishes() throws Exception {
        StreamFollower f = follower("cam1").build();
        f.start();
        pumpAll();
        assertNull(f.reader(), "nothing published yet: waiting");
        assertTrue(events.isEmpty());

        Stream first = registry.publish("cam1", PUB, 10_000);
        pumpAll();
        assertEquals(List.of("published " + first.mediaSessionId()), events);
        assertSame(first, f.stream());
        first.publish(video(0, true));
        first.publish(video(40, false));
        pumpAll();
        assertEquals(List.of(0L, 40_000L), sink.frames.stream().map(Frame::dtsUs).toList());

        first.end("gone");
        pumpAll();
        assertEquals("unpublished gone", events.get(1));
        assertNull(f.reader());
        assertTrue(first.readers().isEmpty(), "the ended stream's reader is closed");

        Stream second = registry.publish("cam1", PUB, 10_000);
        second.publish(video(0, true));
        pumpAll();
        second.publish(video(40, false));
        pumpAll();
        assertEquals("published " + second.mediaSessionId(), events.get(2));
        assertEquals(List.of(first, second), sink.sources, "the sink hears of each new source before its frames");
        assertEquals(4, sink.frames.size());
        assertEquals(2, f.publishCount());
        f.stop();
    }

    @Test
    void attachesAtOnceWhenTheNameIsLive() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        StreamFollower f = follower("cam1").build();
        f.start();
        assertNotNull(f.reader(), "start on the owner thread attaches a live stream without a hop");
        assertEquals(1, events.size());
        f.stop();
        s.publish(video(0, true));
        assertTrue(s.readers().isEmpty());
    }

    @Test
    void stopLeavesNothingBehindAndIgnoresLateEvents() throws Exception {
        StreamFollower f = follower("cam1").build();
        f.start();
        f.stop();
        Stream s = registry.publish("cam1", PUB, 10_000);
        s.publish(video(0, true));
        pumpAll();
        assertTrue(events.isEmpty(), "no callback after stop");
        assertTrue(s.readers().isEmpty(), "no reader after stop");
        assertTrue(registry.readers().isEmpty());

        // a stop that races a publication already handed to the owner: the late attach is dropped
        StreamFollower g = follower("cam2").build();
        g.start();
        Stream s2 = registry.publish("cam2", PUB, 10_000);   // queues the attach on the owner
        g.stop();
        pumpAll();
        assertNull(g.reader());
        assertTrue(s2.readers().isEmpty());
        assertTrue(events.isEmpty());
    }

    @Test
    void canStartAgainAfterStop() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        StreamFollower f = follower("cam1").build();
        f.start();
        f.stop();
        f.start();
        s.publish(video(0, true));
        pumpAll();
        assertEquals(2, events.size());
        assertEquals(1, sink.frames.size());
        assertEquals(1, s.readers().size(), "the first reader was closed; one remains");
        f.stop();
    }

    @Test
    void onceStopsFollowingAfterTheEnd() throws Exception {
        StreamFollower f = follower("cam1").once().build();
        f.start();
        Stream s = registry.publish("cam1", PUB, 10_000);
        pumpAll();
        s.end("bye");
        pumpAll();
        registry.publish("cam1", PUB, 10_000);
        pumpAll();
        assertEquals(List.of("published " + s.mediaSessionId(), "unpublished bye"), events);
        assertFalse(f.isFollowing());
    }

    @Test
    void drainStopsWhenTheSinkIsFullAndResumesOnWake() throws Exception {
        StreamFollower f = follower("cam1").build();
        f.start();
        Stream s = registry.publish("cam1", PUB, 10_000);
        pumpAll();
        sink.room = 2;
        for (int i = 0; i < 5; i++) {
            s.publish(video(i * 40, i == 0));
        }
        pumpAll();
        assertEquals(2, sink.frames.size(), "the pass stops when the sink has no room");
        s.end("done");
        pumpAll();
        assertTrue(events.stream().noneMatch(e -> e.startsWith("unpublished")),
                "the end is reported only once every frame was handed over");
        sink.room = 100;
        f.wake();
        pumpAll();
        assertEquals(5, sink.frames.size());
        assertEquals("unpublished done", events.get(events.size() - 1));
    }

    @Test
    void dropReaderReattachesToTheLiveStream() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        StreamFollower f = follower("cam1").build();
        f.start();
        StreamReader first = f.reader();
        f.dropReader("terminated");
        pumpAll();
        assertTrue(first.isClosed());
        assertNotNull(f.reader());
        assertNotSame(first, f.reader());
        assertEquals(List.of("published " + s.mediaSessionId(), "unpublished terminated",
                "published " + s.mediaSessionId()), events);
        f.stop();
    }

    @Test
    void directExecutorsWork() throws Exception {
        List<Frame> got = new ArrayList<>();
        StreamFollower f = StreamFollower.of(registry, "cam1").owner(Runnable::run)
                .reader(s -> ReaderInfo.internal("r", "test"))
                .drainOn(Runnable::run, (fr, src) -> got.add(fr)).build();
        f.start();
        Stream s = registry.publish("cam1", PUB, 10_000);
        s.publish(video(0, true));
        s.publish(video(40, false));
        assertEquals(2, got.size());
        s.end("x");
        Stream again = registry.publish("cam1", PUB, 10_000);
        again.publish(video(0, true));
        assertEquals(3, got.size());
        f.stop();
        assertTrue(registry.readers().isEmpty());
    }

    private StreamFollower.Builder publicationFollower(Stream publication) {
        return StreamFollower.of(publication)
                .owner(owner)
                .reader(s -> ReaderInfo.internal("reader-of-" + s.mediaSessionId(), "test"))
                .onPublished(r -> events.add("published " + r.stream().mediaSessionId()))
                .onUnpublished((s, why) -> events.add("unpublished " + why))
                .drainOn(media, sink);
    }

    @Test
    void aPublicationFollowerEndsWithItsPublicationAndIgnoresTheNextOne() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        StreamFollower f = publicationFollower(s).build();
        f.start();
        s.publish(video(0, true));
        pumpAll();
        assertEquals(1, sink.frames.size());
        s.end("bye");
        pumpAll();
        Stream next = registry.publish("cam1", PUB, 10_000);
        next.publish(video(0, true));
        pumpAll();
        assertEquals(List.of("published " + s.mediaSessionId(), "unpublished bye"), events);
        assertFalse(f.isFollowing());
        assertTrue(next.readers().isEmpty(), "never attached to the next publication");
    }

    @Test
    void aPublicationThatEndedBeforeStartIsReportedAtOnceNotWaitedFor() throws Exception {
        Stream s = registry.publish("cam1", PUB, 10_000);
        StreamFollower f = publicationFollower(s).build();
        s.end("gone early");
        Stream next = registry.publish("cam1", PUB, 10_000);   // the name is live again meanwhile
        f.start();
        pumpAll();
        assertEquals(List.of("unpublished gone early"), events);
        assertNull(f.reader());
        assertFalse(f.isFollowing());
        assertTrue(next.readers().isEmpty());
        assertTrue(registry.readers().isEmpty(), "no reader and nothing waiting");
    }
}
