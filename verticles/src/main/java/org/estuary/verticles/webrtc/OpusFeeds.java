package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.webrtc.RtpTimeline;

/**
 * The Opus a stream's WebRTC players get, made once per stream and shared by all of them.
 * <ul>
 * <li>A stream published over WebRTC: the publisher's own Opus packets as they arrived
 * ({@link #passThrough}), no transcoding. Going through the stream's AAC (Opus → AAC → Opus, two
 * worker hops) cost quality, added jitter and left the player concealing samples.</li>
 * <li>Any other stream with AAC audio: the first player starts one transcoder (an internal reader
 * of the stream, a {@link SerialWorker} on the audio pool), later players only subscribe to its
 * 20 ms Opus units, and the last one to leave (or the stream's end) stops it. A hundred players of
 * an RTMP stream cost one decoder and one encoder, not a hundred.</li>
 * </ul>
 * Engine event loop only.
 */
final class OpusFeeds {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpusFeeds.class);
    private final Context context;
    private final Executor pool;
    private final Map<Stream, Feed> feeds = new IdentityHashMap<>();
    private long started;
    private long passThroughPlayers;

    OpusFeeds(Context context, Executor pool) {
        this.context = context;
        this.pool = pool;
    }

    /** Subscribes {@code listener} to {@code stream}'s Opus (starting the transcoder if needed); close to leave. */
    Runnable subscribe(Stream stream, BiConsumer<Long, byte[]> listener) {
        Feed f = feeds.get(stream);
        if (f == null || f.closed) {
            f = new Feed(stream, false);
            feeds.put(stream, f);
            started++;
        }
        if (f.opus == null) {
            passThroughPlayers++;
        }
        Feed feed = f;
        feed.listeners.add(listener);
        return () -> feed.leave(listener);
    }

    /**
     * {@code stream} is published over WebRTC with Opus: its players get these packets as they are.
     * Players already on a transcoder of the stream (a republished name) move over.
     */
    PassThrough passThrough(Stream stream) {
        Feed feed = new Feed(stream, true);
        Feed old = feeds.put(stream, feed);
        if (old != null) {
            feed.listeners.addAll(old.listeners);
            old.close();
        }
        return new PassThrough(feed);
    }

    /** Transcoders running now. */
    int running() {
        return (int) feeds.values().stream().filter(f -> f.opus != null).count();
    }

    /** Transcoders started since the engine started. */
    long started() {
        return started;
    }

    /** Players that got a WebRTC publisher's Opus without transcoding, since the engine started. */
    long passThroughPlayers() {
        return passThroughPlayers;
    }

    void closeAll() {
        for (Feed f : new ArrayList<>(feeds.values())) {
            f.close();
        }
    }

    /** The publisher's side of a pass-through feed. Event loop only. */
    final class PassThrough {
        private final Feed feed;
        /** 250 ms: far beyond a sender report's correction, well below a paused or restarted source */
        private final RtpTimeline timeline = new RtpTimeline(48_000, 250_000);

        private PassThrough(Feed feed) {
            this.feed = feed;
        }

        /**
         * One Opus packet. Its time comes from its RTP timestamp (continuous, so the player's RTP
         * timestamps step exactly as the publisher's did); {@code clockUs}, the session clock's
         * time for it, only anchors the line and re-anchors it after a jump.
         */
        void opus(long clockUs, long rtpTimestamp, byte[] unit) {
            if (!feed.closed) {
                feed.fanOut(timeline.toMicros(rtpTimestamp, clockUs), unit);
            }
        }

        void close() {
            if (!feed.closed && timeline.reanchors() > 0) {
                LOG.info("Opus pass-through of {}: time line re-anchored {} times (source jumps)", feed.stream.name(),
                        timeline.reanchors());
            }
            feed.close();
        }
    }

    private final class Feed {
        final Stream stream;
        final List<BiConsumer<Long, byte[]>> listeners = new ArrayList<>();
        /** null for a pass-through feed */
        final AacToOpus opus;
        final StreamReader reader;
        boolean closed;

        Feed(Stream stream, boolean passThrough) {
            this.stream = stream;
            if (passThrough) {
                this.opus = null;
                this.reader = null;
                return;
            }
            this.opus = new AacToOpus(new SerialWorker(pool, 250), (pts, unit) -> context.runOnContext(v -> fanOut(pts, unit)));
            this.reader = stream.addReader(ReaderInfo.internal("opus-" + System.identityHashCode(this), "WebRTC audio"),
                    () -> context.runOnContext(v -> drain()));
            drain();
        }

        private void drain() {
            if (closed) {
                return;
            }
            reader.beginDrain();
            Frame f;
            while ((f = reader.poll()) != null) {
                if (f.codec() != Codec.AAC) {
                    continue;
                }
                if (f.isConfig()) {
                    opus.config(f.payload());
                } else {
                    opus.submit(f.ptsUs(), f.payload());
                }
            }
            if (reader.isEnded()) {
                close();
            }
        }

        void fanOut(long pts, byte[] unit) {
            if (closed) {
                return;
            }
            for (BiConsumer<Long, byte[]> l : new ArrayList<>(listeners)) {
                l.accept(pts, unit);
            }
        }

        void leave(BiConsumer<Long, byte[]> listener) {
            listeners.remove(listener);
            if (listeners.isEmpty() && opus != null) {
                close(); // a pass-through feed lives as long as its publisher
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            feeds.remove(stream, this);
            if (opus != null) {
                opus.close();
                reader.close();
            }
        }
    }
}
