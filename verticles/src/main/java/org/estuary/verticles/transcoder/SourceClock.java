package org.estuary.verticles.transcoder;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.media.Frame;

/**
 * Puts source frames on the output's clock. The first attachment keeps the source's times; after
 * a re-attach (the source was published again, its clock restarting anywhere) the first frame
 * continues a short gap after the latest time seen, so output times keep rising.
 *
 * <p>The offset of an attachment lives on a {@link Timeline}. Transcoders with key frames aligned on
 * media time ({@code keyFrameAlignMs}, the renditions of adaptive HLS) of one source share one
 * timeline: whichever meets a new publish of the source first fixes its offset and the others take
 * the same, so their outputs keep the same media-time grid (segment boundaries, key frames) after the
 * source is published again, whatever frame each of them happens to see first. One clock per thread;
 * a timeline may be shared between threads.
 */
final class SourceClock {
    private static final long GAP_US = 40_000;
    private final Timeline timeline;
    private long offsetUs;
    private boolean needBase = true;
    private String attachment = "";
    private long attachments;
    private long lastUs = Long.MIN_VALUE;

    /** A clock of its own. */
    SourceClock() {
        this(new Timeline());
    }

    SourceClock(Timeline timeline) {
        this.timeline = timeline;
    }

    /** A new source attachment: its first media frame picks the new offset. */
    void rebase() {
        rebase("attachment-" + ++attachments);
    }

    /** A new attachment to the publish {@code sourceSessionId} (clocks sharing a timeline agree on its offset). */
    void rebase(String sourceSessionId) {
        attachment = sourceSessionId;
        needBase = true;
    }

    Frame map(Frame f) {
        if (f.isConfig()) {
            return Frame.config(f.codec(), lastUs == Long.MIN_VALUE ? 0 : lastUs, f.payload());
        }
        if (needBase) {
            offsetUs = timeline.offset(attachment, f.dtsUs());
            needBase = false;
        }
        long dts = f.dtsUs() + offsetUs;
        lastUs = Math.max(lastUs, dts);
        timeline.seen(dts);
        return Frame.media(f.codec(), dts, dts + f.ctsUs(), f.isKeyframe(), f.payload());
    }

    /** The offsets of a source's publishes on one output timeline (thread-safe; a few calls per frame at most). */
    static final class Timeline {
        /** The newest publishes only: a transcoder lagging one publish behind still finds its offset. */
        private static final int KEPT = 4;
        private final Map<String, Long> offsets = new LinkedHashMap<>();
        private long lastUs = Long.MIN_VALUE;

        /** The offset of publish {@code attachment}, fixed by the first caller from its first frame's time. */
        synchronized long offset(String attachment, long firstDtsUs) {
            Long known = offsets.get(attachment);
            if (known != null) {
                return known;
            }
            long off = lastUs == Long.MIN_VALUE ? 0 : lastUs + GAP_US - firstDtsUs;
            offsets.put(attachment, off);
            for (Iterator<String> it = offsets.keySet().iterator(); offsets.size() > KEPT; ) {
                it.next();
                it.remove();
            }
            return off;
        }

        synchronized void seen(long us) {
            if (us > lastUs) {
                lastUs = us;
            }
        }
    }
}
