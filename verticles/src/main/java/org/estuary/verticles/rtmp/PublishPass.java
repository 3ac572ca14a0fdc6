package org.estuary.verticles.rtmp;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * One read pass of an RTMP connection (issue 14, target 1b): the frames a publisher's read delivers
 * to the hub wake the players' event loops once, at the end of the pass, instead of once per frame.
 *
 * <p>A read usually carries several messages (a video frame and the audio around it). Without this,
 * the first message's hand-off woke each other event loop at once (a cross-thread task and an eventfd
 * write), its drains ran while the publisher was still decoding the rest, and each player got one
 * {@code writev} per message. Deferring the wake-up to the end of the pass costs the microseconds the
 * pass takes and no timer: every player's drain then finds the whole read's frames and writes them in
 * one gathered write, also with {@code rtmp.writeCoalesceMs=0}. Frames published from threads that are
 * not in a pass (other ingests, transcoders) schedule at once as before.
 */
final class PublishPass {
    private static final FastThreadLocal<PublishPass> CURRENT = new FastThreadLocal<>() {
        @Override
        protected PublishPass initialValue() {
            return new PublishPass();
        }
    };

    private int depth;
    private final List<DrainScheduler> deferred = new ArrayList<>();

    private PublishPass() {
    }

    /** Starts a pass on this thread; pair with {@link #end()} in a finally block. */
    static PublishPass begin() {
        PublishPass p = CURRENT.get();
        p.depth++;
        return p;
    }

    /** Ends the pass: the outermost end wakes every scheduler that was asked for meanwhile. */
    void end() {
        if (--depth > 0) {
            return;
        }
        for (int i = 0; i < deferred.size(); i++) {
            deferred.get(i).schedule();
        }
        deferred.clear();
    }

    /** Called by a scheduler that needs waking: true when a pass on this thread will do it at its end. */
    static boolean defer(DrainScheduler s) {
        PublishPass p = CURRENT.getIfExists();
        if (p == null || p.depth == 0) {
            return false;
        }
        p.deferred.add(s);
        return true;
    }
}
