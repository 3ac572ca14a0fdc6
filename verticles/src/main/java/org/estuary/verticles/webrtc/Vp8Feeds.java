package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.Stream;

/**
 * The VP8 of a stream published over WebRTC, handed as it arrived to the stream's WebRTC players
 * that take VP8. The stream itself carries the H.264 made from it ({@link Vp8ToH264}) for RTMP,
 * HLS and recording, and for WebRTC players that offer no VP8. A player joins between key frames,
 * so it asks the publisher for one (PLI) when it subscribes. Engine event loop only.
 */
final class Vp8Feeds {
    private final Map<Stream, Feed> feeds = new IdentityHashMap<>();
    private long players;

    /** The publisher's side: {@code stream} is published over WebRTC with VP8. */
    Feed passThrough(Stream stream) {
        Feed f = new Feed(stream);
        Feed old = feeds.put(stream, f);
        if (old != null) {
            old.close();
        }
        return f;
    }

    /** Whether {@code stream}'s VP8 can be played as it arrived. */
    boolean has(Stream stream) {
        Feed f = feeds.get(stream);
        return f != null && !f.closed;
    }

    /** Subscribes to {@code stream}'s VP8 frames; the returned action leaves. Null when there is no feed. */
    Runnable subscribe(Stream stream, Consumer<Frame> listener) {
        Feed f = feeds.get(stream);
        if (f == null || f.closed) {
            return null;
        }
        players++;
        f.listeners.add(listener);
        return () -> f.listeners.remove(listener);
    }

    /** Players that got a WebRTC publisher's VP8 as it arrived, since the engine started. */
    long players() {
        return players;
    }

    final class Feed {
        private final Stream stream;
        private final List<Consumer<Frame>> listeners = new ArrayList<>();
        private boolean closed;

        private Feed(Stream stream) {
            this.stream = stream;
        }

        void frame(Frame f) {
            if (closed) {
                return;
            }
            for (Consumer<Frame> l : new ArrayList<>(listeners)) {
                l.accept(f);
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                listeners.clear();
                feeds.remove(stream, this);
            }
        }
    }
}
