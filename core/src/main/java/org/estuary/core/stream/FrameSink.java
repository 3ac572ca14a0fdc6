package org.estuary.core.stream;

import org.estuary.core.media.Frame;

/**
 * Where a {@link StreamFollower} hands the frames of the stream it follows. Every method runs on
 * the thread that calls {@link StreamFollower#drain(FrameSink)}: the owner's media thread.
 */
public interface FrameSink {
    /** One frame of {@code source}, in publish order. */
    void frame(Frame f, Stream source);

    /**
     * True while this drain pass may take another frame. A sink that writes to a socket answers
     * whether the socket has room; the rest of the queue waits for the next pass.
     */
    default boolean wants() {
        return true;
    }

    /**
     * The next frame comes from a stream other than the last drained one (the name was published
     * again): rebase clocks, reset decoders. Called before that stream's first frame.
     */
    default void sourceChanged(Stream source) {
    }
}
