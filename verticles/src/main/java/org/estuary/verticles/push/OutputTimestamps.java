package org.estuary.verticles.push;

import org.estuary.core.media.Frame;

/**
 * Rewrites frame times so that the outgoing RTMP stream stays continuous when the transponder
 * re-attaches to a re-published source (whose clock starts anywhere, usually at 0): the first
 * media frame of each attachment continues one frame interval after the last one sent.
 * Used by one thread only.
 */
final class OutputTimestamps {
    private static final long GAP_US = 20_000;
    private long offsetUs;
    private boolean needBase = true;
    private long lastOutUs = -1;

    /** A new source attachment starts: its first media frame picks the new offset. */
    void rebase() {
        needBase = true;
    }

    Frame map(Frame f) {
        if (f.isConfig()) {
            // sequence headers carry no meaningful time; put them where the stream is now
            return Frame.config(f.codec(), Math.max(0, lastOutUs), f.payload());
        }
        if (needBase) {
            offsetUs = (lastOutUs < 0 ? 0 : lastOutUs + GAP_US) - f.dtsUs();
            needBase = false;
        }
        long dts = f.dtsUs() + offsetUs;
        lastOutUs = Math.max(lastOutUs, dts);
        return Frame.media(f.codec(), dts, dts + f.ctsUs(), f.isKeyframe(), f.payload());
    }
}
