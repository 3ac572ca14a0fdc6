package org.estuary.verticles.hls;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.hls.HlsSegmenter;
import org.estuary.core.hls.HlsSettings;
import org.estuary.core.hls.HlsSink;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.AgentThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS agent of one stream name: a hub reader feeding a {@link HlsSegmenter}, the agent's
 * files, its subscribers and the playlist requests waiting for a segment or part (blocking
 * reload). Lives on the HLS verticle's event loop; frames are drained there too (muxing a few
 * hundred KB/s is cheap). When the publisher goes away the agent stays and waits for the name to
 * be published again, so players see a discontinuity instead of a dead playlist.
 */
final class HlsAgent implements HlsSink {
    private static final Logger LOG = LoggerFactory.getLogger(HlsAgent.class);

    private final String name;
    private final Vertx vertx;
    private final Context context;
    private final HlsSegmenter segmenter;
    private final SegmentStore store;
    private final long createdMs = System.currentTimeMillis();
    private final Map<String, HlsSubscriber> subscribers = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final String readerId = UUID.randomUUID() + "-";
    private final List<String> logs = new ArrayList<>();

    private final StreamFollower follower;
    private long lastRequestMs = System.currentTimeMillis();
    private boolean closed;
    private boolean warnedConfig;
    private boolean playlistServed;

    /** A request parked until {@code ready} holds, or answered as timed out. */
    private record Waiter(BooleanSupplier ready, Runnable answer, Runnable timeout, long timerId) { }

    HlsAgent(String name, Vertx vertx, Context context, StreamRegistry registry, HlsSettings settings,
             SegmentStore store) {
        this.name = name;
        this.vertx = vertx;
        this.context = context;
        this.store = store;
        this.segmenter = new HlsSegmenter(settings, this);
        Executor onContext = AgentThreads.on(context);
        this.follower = StreamFollower.of(registry, name)
                .owner(onContext)
                .reader(s -> new ReaderInfo(readerId + name + "-HLS", name + "-HLS", s.publisher().appKey(), "HLS", false))
                .onPublished(this::attached)
                .onUnpublished(this::detached)
                .drainOn(onContext, new Segmenting())
                .build();
    }

    String name() { return name; }
    long createdMs() { return createdMs; }
    HlsSegmenter segmenter() { return segmenter; }
    SegmentStore store() { return store; }
    long lastRequestMs() { return lastRequestMs; }
    StreamReader reader() { return follower.reader(); }
    Stream source() { return follower.stream(); }
    int waitingSize() { return waiters.size(); }
    List<String> logs() { return logs; }

    /** Starts reading the stream now, or the next stream published under the name. */
    void start() {
        follower.start();
    }

    private void attached(StreamReader r) {
        if (follower.publishCount() > 1) {
            log("Publisher restarted (" + r.stream().mediaSessionId() + "): discontinuity");
        }
        r.onTerminate(() -> context.runOnContext(v -> follower.dropReader("Stopped by rest /terminate")));
        LOG.info("HLS agent {} reading {} ({})", name, r.stream().name(), r.stream().mediaSessionId());
    }

    /** Context: frames into the segmenter (muxing a few hundred KB/s is cheap enough here). */
    private final class Segmenting implements FrameSink {
        @Override
        public boolean wants() {
            return !closed;
        }

        @Override
        public void frame(Frame f, Stream source) {
            try {
                segmenter.feed(f, System.currentTimeMillis());
            } catch (CodecConfigException | RuntimeException e) {
                if (!warnedConfig) {
                    warnedConfig = true;
                    LOG.warn("HLS agent {}: frame skipped: {}", name, e.toString());
                    log("Frame skipped: " + e.getMessage());
                }
            }
        }
    }

    /** The source ended (or this reader was terminated): close the open segment; the follower waits for a republish. */
    private void detached(Stream s, String reason) {
        LOG.info("HLS agent {}: source ended ({}), waiting for a new publisher", name, reason);
        segmenter.sourceEnded();
    }

    // ---- HlsSink ----

    @Override
    public void put(String file, byte[] data, boolean segment) {
        store.put(file, data, segment);
    }

    @Override
    public void remove(String file) {
        store.remove(file);
    }

    @Override
    public void changed() {
        if (waiters.isEmpty()) {
            return;
        }
        Iterator<Waiter> it = waiters.iterator();
        List<Waiter> ready = new ArrayList<>();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (w.ready().getAsBoolean()) {
                it.remove();
                ready.add(w);
            }
        }
        for (Waiter w : ready) {
            vertx.cancelTimer(w.timerId());
            w.answer().run();
        }
    }

    /** Runs {@code answer} once {@code ready} holds (maybe now), or {@code timeout} after {@code maxWaitMs}. */
    void whenReady(BooleanSupplier ready, long maxWaitMs, Runnable answer, Runnable timeout) {
        if (ready.getAsBoolean()) {
            answer.run();
            return;
        }
        Waiter[] self = new Waiter[1];
        long timer = vertx.setTimer(maxWaitMs, id -> {
            if (waiters.remove(self[0])) {
                timeout.run();
            }
        });
        self[0] = new Waiter(ready, answer, timeout, timer);
        waiters.add(self[0]);
    }

    // ---- subscribers ----

    /** Notes a request of a player session; {@code bytes} answered so far in this request. */
    void touch(String subscriberId, String remoteAddress, String userAgent, long bytes) {
        long now = System.currentTimeMillis();
        lastRequestMs = now;
        HlsSubscriber s = subscribers.computeIfAbsent(subscriberId,
                id -> new HlsSubscriber(id, remoteAddress, userAgent, now));
        s.lastRequestMs = now;
        s.requests++;
        s.bytes += bytes;
    }

    /** Counts bytes to an existing subscriber (after the body size is known). */
    void addBytes(String subscriberId, long bytes) {
        HlsSubscriber s = subscribers.get(subscriberId);
        if (s != null) {
            s.bytes += bytes;
        }
    }

    /** Forgets sessions silent for longer than {@code expiryMs}. */
    void expireSubscribers(long nowMs, long expiryMs) {
        subscribers.values().removeIf(s -> nowMs - s.lastRequestMs > expiryMs);
    }

    List<HlsSubscriber> subscribers() {
        return List.copyOf(subscribers.values());
    }

    /** True once a media or master playlist went out (the first one waits for the live edge). */
    boolean playlistServed() {
        return playlistServed;
    }

    void markPlaylistServed() {
        playlistServed = true;
    }

    /** Marks the agent as used now (REST startup counts as a request for the idle timer). */
    void markUsed() {
        lastRequestMs = System.currentTimeMillis();
    }

    /** Frees everything: the reader, the wait for a publisher, parked requests and files. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        follower.stop();
        for (Waiter w : List.copyOf(waiters)) {
            vertx.cancelTimer(w.timerId());
            w.timeout().run();
        }
        waiters.clear();
        store.close();
        LOG.info("HLS agent {} stopped", name);
    }

    boolean isClosed() {
        return closed;
    }

    private void log(String line) {
        logs.add(java.time.Instant.now() + " INFO: " + line);
        if (logs.size() > 20) {
            logs.remove(0);
        }
    }
}
