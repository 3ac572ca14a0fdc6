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

/**
 * AAC to Opus once per stream, shared by all its WebRTC players: the first player of a stream with
 * AAC audio starts one transcoder (an internal reader of the stream, a {@link SerialWorker} on the
 * audio pool), later players only subscribe to its 20 ms Opus units, and the last one to leave
 * (or the stream's end) stops it. A hundred players of an RTMP stream cost one decoder and one
 * encoder, not a hundred. Engine event loop only.
 */
final class OpusFeeds {
    private final Context context;
    private final Executor pool;
    private final Map<Stream, Feed> feeds = new IdentityHashMap<>();
    private long started;

    OpusFeeds(Context context, Executor pool) {
        this.context = context;
        this.pool = pool;
    }

    /** Subscribes {@code listener} to {@code stream}'s Opus (starting the transcoder if needed); close to leave. */
    Runnable subscribe(Stream stream, BiConsumer<Long, byte[]> listener) {
        Feed f = feeds.get(stream);
        if (f == null || f.closed) {
            f = new Feed(stream);
            feeds.put(stream, f);
            started++;
        }
        Feed feed = f;
        feed.listeners.add(listener);
        return () -> feed.leave(listener);
    }

    /** Transcoders running now. */
    int running() {
        return feeds.size();
    }

    /** Transcoders started since the engine started. */
    long started() {
        return started;
    }

    void closeAll() {
        for (Feed f : new ArrayList<>(feeds.values())) {
            f.close();
        }
    }

    private final class Feed {
        final Stream stream;
        final List<BiConsumer<Long, byte[]>> listeners = new ArrayList<>();
        final AacToOpus opus;
        final StreamReader reader;
        boolean closed;

        Feed(Stream stream) {
            this.stream = stream;
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

        private void fanOut(long pts, byte[] unit) {
            if (closed) {
                return;
            }
            for (BiConsumer<Long, byte[]> l : new ArrayList<>(listeners)) {
                l.accept(pts, unit);
            }
        }

        void leave(BiConsumer<Long, byte[]> listener) {
            listeners.remove(listener);
            if (listeners.isEmpty()) {
                close();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            feeds.remove(stream, this);
            opus.close();
            reader.close();
        }
    }
}
