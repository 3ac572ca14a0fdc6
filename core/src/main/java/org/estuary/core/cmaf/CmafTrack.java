package org.estuary.core.cmaf;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Frame;

/**
 * One track's samples waiting for the next fragment. A sample is committed only once the next
 * sample of the same track arrives, because its duration is the distance to that one.
 */
final class CmafTrack {
    final int id;
    final int timescale;
    final boolean video;
    private Frame pending;
    final List<Sample> committed = new ArrayList<>();
    /** Duration given to a pending sample if a fragment must close before its successor arrives. */
    private long lastDuration;

    record Sample(byte[] data, long decodeTime, long duration, long compositionOffset, boolean sync) { }

    CmafTrack(int id, int timescale, boolean video, long defaultDuration) {
        this.id = id;
        this.timescale = timescale;
        this.video = video;
        this.lastDuration = defaultDuration;
    }

    long toTimescale(long us) {
        return Math.floorDiv(us * timescale, 1_000_000L);
    }

    void add(Frame f) {
        if (pending != null) {
            long d = toTimescale(f.dtsUs()) - toTimescale(pending.dtsUs());
            if (d <= 0) {
                d = 1; // equal or backwards timestamps: keep decode order strictly increasing
            }
            commit(d);
        }
        pending = f;
    }

    /** Commits the pending sample with the last known duration (end of stream). */
    void flushPending() {
        if (pending != null) {
            commit(lastDuration);
        }
    }

    private void commit(long duration) {
        Frame p = pending;
        long dts = committed.isEmpty() ? toTimescale(p.dtsUs()) : nextDecodeTime();
        committed.add(new Sample(p.payload(), dts, duration, toTimescale(p.ptsUs()) - toTimescale(p.dtsUs()),
                !video || p.isKeyframe()));
        lastDuration = duration;
        pending = null;
    }

    private long nextDecodeTime() {
        Sample last = committed.get(committed.size() - 1);
        return last.decodeTime() + last.duration();
    }

    /** Removes and returns the committed samples whose decode time is below {@code limit} (timescale units). */
    List<Sample> takeBefore(long limit) {
        int n = 0;
        while (n < committed.size() && committed.get(n).decodeTime() < limit) {
            n++;
        }
        List<Sample> out = new ArrayList<>(committed.subList(0, n));
        committed.subList(0, n).clear();
        return out;
    }

    boolean hasPending() {
        return pending != null;
    }

    long pendingDtsUs() {
        return pending == null ? -1 : pending.dtsUs();
    }
}
