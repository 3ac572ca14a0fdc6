package org.estuary.verticles.transcoder;

import org.estuary.core.media.Frame;

/**
 * Puts source frames on the output's clock. The first attachment keeps the source's times; after
 * a re-attach (the source was published again, its clock restarting anywhere) the first frame
 * continues a short gap after the latest time seen, so output times keep rising. One thread only.
 */
final class SourceClock {
    private static final long GAP_US = 40_000;
    private long offsetUs;
    private boolean needBase = true;
    private boolean first = true;
    private long lastUs = Long.MIN_VALUE;

    /** A new source attachment: its first media frame picks the new offset. */
    void rebase() {
        needBase = true;
    }

    Frame map(Frame f) {
        if (f.isConfig()) {
            return Frame.config(f.codec(), lastUs == Long.MIN_VALUE ? 0 : lastUs, f.payload());
        }
        if (needBase) {
            offsetUs = first ? 0 : lastUs + GAP_US - f.dtsUs();
            needBase = false;
            first = false;
        }
        long dts = f.dtsUs() + offsetUs;
        lastUs = Math.max(lastUs, dts);
        return Frame.media(f.codec(), dts, dts + f.ctsUs(), f.isKeyframe(), f.payload());
    }
}
