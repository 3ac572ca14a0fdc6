package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.Stream;

/**
 * The VP8 or VP9 of a stream published over WebRTC, handed as it arrived to the stream's WebRTC
 * players that take that codec. The stream itself carries the H.264 made from it ({@link ToH264}), while
 * someone reads it, for RTMP, HLS and recording, and for WebRTC players that offer no VP8. A player joins between key frames,
 * so it asks the publisher for one (PLI) when it subscribes. Engine event loop only.
 */
final class VideoFeeds {
    private final Map<Stream, Feed> feeds = new IdentityHashMap<>();
    private long players;

    /** The publisher's side: {@code stream} is published over WebRTC with {@code codec} (VP8, VP9). */
    Feed passThrough(Stream stream, Codec codec) {
        Feed f = new Feed(stream, codec);
        Feed old = feeds.put(stream, f);
        if (old != null) {
            old.close();
        }
        return f;
    }

    /** The codec {@code stream}'s publisher sends, played as it arrived; null when there is no such feed. */
    Codec codec(Stream stream) {
        Feed f = feeds.get(stream);
        return f == null || f.closed ? null : f.codec;
    }

    /**
     * Subscribes to {@code stream}'s VP8/VP9 frames; the returned action leaves. Null when there is no
     * feed. {@code readerId}: the player's own reader of the stream (its mediaSessionId), which the
     * publisher does not count as a reader of the H.264 copy.
     */
    Runnable subscribe(Stream stream, String readerId, Consumer<Frame> listener) {
        Feed f = feeds.get(stream);
        if (f == null || f.closed) {
            return null;
        }
        players++;
        f.listeners.add(listener);
        f.playerIds.add(readerId);
        return () -> {
            f.listeners.remove(listener);
            f.playerIds.remove(readerId);
        };
    }

    /** Players that got a WebRTC publisher's VP8/VP9 as it arrived, since the engine started. */
    long players() {
        return players;
    }

    final class Feed {
        private final Stream stream;
        private final Codec codec;
        private final List<Consumer<Frame>> listeners = new ArrayList<>();
        private final java.util.Set<String> playerIds = new java.util.HashSet<>();
        private boolean closed;

        private Feed(Stream stream, Codec codec) {
            this.stream = stream;
            this.codec = codec;
        }

        /** True when the stream reader {@code readerId} is one of this feed's players (it reads no H.264). */
        boolean isPlayer(String readerId) {
            return playerIds.contains(readerId);
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
                playerIds.clear();
                feeds.remove(stream, this);
            }
        }
    }
}
