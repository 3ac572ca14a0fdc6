package org.estuary.verticles.vod;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mp4.Mp4TrackIndex;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an MP4 file as a live stream in real time: samples of all tracks in decode order, each
 * published when the wall clock reaches its timestamp, looping with continuous timestamps when
 * asked. Runs on one pacer thread (the stream's single publisher thread), which also owns the file.
 */
final class VodSession {
    private static final Logger LOG = LoggerFactory.getLogger(VodSession.class);
    /** Publish samples up to this far ahead of the wall clock, so players' buffers stay fed. */

    enum Status { PROCESSED_LOCAL, FINISHED, STOPPED, FAILED }

    private final String uri;
    private final String name;
    private final Stream stream;
    private final VodSource file;
    private final List<Mp4TrackIndex> tracks;
    private final boolean loop;
    /** Samples go out this far ahead of their wall-clock time (vod.leadMs). */
    private final long leadUs;
    private final ScheduledExecutorService pacer;
    private final Consumer<VodSession> onEnd;
    private final long createdAt = System.currentTimeMillis();
    private final int[] next;
    private final long minDtsUs;
    private final long spanUs;
    private volatile Status status = Status.PROCESSED_LOCAL;
    private volatile String info;
    private volatile long positionUs;
    private long loopOffsetUs;
    private long startNanos;
    private ScheduledFuture<?> tick;
    private int loops;

    VodSession(String uri, String name, Stream stream, VodSource file, List<Mp4TrackIndex> tracks, boolean loop,
               ScheduledExecutorService pacer, long leadMs, Consumer<VodSession> onEnd) {
        this.uri = uri;
        this.leadUs = leadMs * 1000;
        this.name = name;
        this.stream = stream;
        this.file = file;
        this.tracks = tracks;
        this.loop = loop;
        this.pacer = pacer;
        this.onEnd = onEnd;
        this.next = new int[tracks.size()];
        long min = Long.MAX_VALUE;
        long span = 0;
        for (Mp4TrackIndex t : tracks) {
            min = Math.min(min, t.dtsUs(0));
            span = Math.max(span, t.durationUs());
        }
        this.minDtsUs = min;
        this.spanUs = Math.max(span, 1000);
    }

    String uri() { return uri; }
    String name() { return name; }
    Stream stream() { return stream; }
    Status status() { return status; }

    void start() {
        pacer.execute(() -> {
            for (Mp4TrackIndex t : tracks) {
                if (t.config().length > 0) {
                    Frame cfg = Frame.config(t.codec(), 0, t.config());
                    stream.describe(MediaDescriptions.apply(stream.description(), cfg));
                    stream.publish(cfg);
                }
                if (t.codec().type() == org.estuary.core.media.TrackType.VIDEO && t.sampleCount() > 1) {
                    double fps = t.sampleCount() * 1_000_000.0 / Math.max(1, t.durationUs());
                    stream.describe(stream.description().withFps(Math.round(fps * 100) / 100.0));
                }
                if (t.codec() == Codec.MP3 || t.codec() == Codec.OPUS) {
                    stream.describe(stream.description().withAudio(t.codec(), t.sampleRate(), t.channels()));
                }
            }
            startNanos = System.nanoTime();
            run();
        });
    }

    /** Publishes every sample that is due, then sleeps until the next one. Pacer thread. */
    private void run() {
        if (status != Status.PROCESSED_LOCAL) {
            return;
        }
        try {
            long nowUs = (System.nanoTime() - startNanos) / 1000;
            while (true) {
                int ti = nextTrack();
                if (ti < 0) {
                    if (!loop) {
                        finish(Status.FINISHED, "VOD finished");
                        return;
                    }
                    loops++;
                    loopOffsetUs += spanUs;
                    java.util.Arrays.fill(next, 0);
                    continue;
                }
                Mp4TrackIndex t = tracks.get(ti);
                int i = next[ti];
                long dts = outTime(t.dtsUs(i));
                if (dts > nowUs + leadUs) {
                    long waitUs = dts - leadUs - nowUs;
                    tick = pacer.schedule(this::run, Math.max(1, waitUs), TimeUnit.MICROSECONDS);
                    return;
                }
                byte[] data = new byte[t.sizes()[i]];
                readFully(t.offsets()[i], data);
                boolean key = t.codec().type() != org.estuary.core.media.TrackType.VIDEO || t.sync()[i];
                stream.publish(Frame.media(t.codec(), dts, outTime(t.ptsUs(i)), key, data));
                positionUs = dts;
                next[ti]++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("VOD {} ({}) failed: {}", name, uri, e.toString());
            finish(Status.FAILED, "File read error: " + e.getMessage());
        }
    }

    private long outTime(long sampleUs) {
        return loopOffsetUs + sampleUs - minDtsUs;
    }

    /** The track whose next sample decodes first, or -1 at the end of the file. */
    private int nextTrack() {
        int best = -1;
        long bestDts = Long.MAX_VALUE;
        for (int k = 0; k < tracks.size(); k++) {
            Mp4TrackIndex t = tracks.get(k);
            if (next[k] < t.sampleCount() && t.dtsUs(next[k]) < bestDts) {
                bestDts = t.dtsUs(next[k]);
                best = k;
            }
        }
        return best;
    }

    private void readFully(long pos, byte[] dst) throws IOException {
        file.read(pos, dst, 0, dst.length);
    }

    /** Stops from any thread; the pacer thread closes the file, ends the stream, then runs {@code then}. */
    void stop(String reason, Runnable then) {
        try {
            pacer.execute(() -> {
                finish(Status.STOPPED, reason);
                then.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // an S3 session's own pacer is shut down once the session ended: nothing left to stop
            then.run();
        }
    }

    private void finish(Status s, String why) {
        if (status != Status.PROCESSED_LOCAL) {
            return;
        }
        status = s;
        info = why;
        if (tick != null) {
            tick.cancel(false);
        }
        file.close();
        if (s == Status.FAILED) {
            stream.fail(why);
        } else {
            stream.end(why);
        }
        LOG.info("VOD {} ({}) ended: {} after {} loop(s)", name, uri, why, loops);
        onEnd.accept(this);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("uri", uri)
                .put("localStreamName", name)
                .put("localMediaSessionId", stream.mediaSessionId())
                .put("status", status.name())
                .put("info", info)
                .put("loop", loop)
                .put("hasVideo", stream.description().hasVideo())
                .put("hasAudio", stream.description().hasAudio())
                .put("durationMs", spanUs / 1000)
                .put("positionMs", positionUs / 1000)
                .put("bytesRead", file.bytesRead())
                .put("createdDate", createdAt);
    }
}
