package org.estuary.verticles.stream;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;

/**
 * The encoded answer of {@code /stream/find_all}, shared by the requests that come while nothing
 * but the counters changed.
 *
 * <p>Why: building 1,000 Stream objects as JSON and encoding them cost ~30 ms of one event loop per
 * request (JFR, RestFindBenchmark: {@code JsonObject.put} and Jackson were 53 % of the samples), so
 * a dashboard polling find_all on a busy node held the loop. The answer is rebuilt when a stream or
 * player came or went ({@link StreamListener}), when any listed flag or description changed (a scan
 * of the hub's objects, no JSON: {@link #shape}), and otherwise once it is {@link #MAX_AGE_MS} old:
 * only counters ({@code bitrate}, {@code stats}) can be that much older than the request.
 * {@code /stream/find} is always built live. Clients that accept gzip get the answer compressed once
 * per rebuild ({@link #gzipped}).
 *
 * <p>Used from the control verticle's event loop only, except the membership counter, which the
 * registry's listeners bump from any thread.
 */
final class FindAllSnapshot implements StreamListener {
    /** How old the counters in a shared answer may be. */
    static final long MAX_AGE_MS = 500;

    private final StreamRegistry streams;
    private final AtomicLong membership = new AtomicLong();
    private Buffer answer;
    private Buffer gzipped;
    private long answerMembership = -1;
    private long answerShape;
    private long answerAtNanos;

    FindAllSnapshot(StreamRegistry streams) {
        this.streams = streams;
    }

    /** The shared answer when still valid, else {@code build}'s (kept for the next requests); null when empty. */
    Buffer answer(Supplier<Buffer> build) {
        long now = System.nanoTime();
        long members = membership.get();
        long shape = shape();
        boolean fresh = answer != null && members == answerMembership && shape == answerShape
                && now - answerAtNanos < TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS);
        if (!fresh) {
            answer = build.get();
            gzipped = null;
            answerMembership = members;
            answerShape = shape;
            answerAtNanos = now;
        }
        return answer;
    }

    /**
     * The current answer (the one {@link #answer} last returned) gzip-compressed, made once per answer
     * on the first request that accepts it. Fastest level: 1,000 streams' 680 kB take ~5 ms and shrink
     * about 15-fold (the objects repeat their field names), against ~25 ms at the default level for a
     * few percent more.
     */
    Buffer gzipped() {
        if (gzipped == null && answer != null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(answer.length() / 8);
            try (FastestGzip gz = new FastestGzip(out)) {
                gz.write(answer.getBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in-memory streams do not fail
            }
            gzipped = Buffer.buffer(out.toByteArray());
        }
        return gzipped;
    }

    /** A gzip stream at {@link Deflater#BEST_SPEED} (GZIPOutputStream has no level parameter). */
    private static final class FastestGzip extends GZIPOutputStream {
        FastestGzip(ByteArrayOutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * A hash of everything find_all shows that is not a counter: each publisher's description
     * (replaced, never mutated, when the codec configuration arrives), recording flag, end, GOP and
     * muted states, and each player's end.
     */
    private long shape() {
        long h = 1;
        long nowMillis = System.currentTimeMillis();
        for (Stream s : streams.streams()) {
            h = 31 * h + System.identityHashCode(s.description());
            h = 31 * h + (s.isRecording() ? 1 : 0) + (s.isEnded() ? 2 : 0)
                    + (StreamJson.muted(s.lastAudioAtMillis(), nowMillis) ? 4 : 0)
                    + (StreamJson.muted(s.lastVideoAtMillis(), nowMillis) ? 8 : 0);
            h = 31 * h + s.gopFrames();
        }
        for (StreamReader r : streams.readers()) {
            h = 31 * h + (r.isEnded() ? 1 : 0);
        }
        return h;
    }

    @Override
    public void published(Stream stream) {
        membership.incrementAndGet();
    }

    @Override
    public void unpublished(Stream stream, String reason) {
        membership.incrementAndGet();
    }

    @Override
    public void readerAdded(StreamReader reader) {
        membership.incrementAndGet();
    }

    @Override
    public void readerRemoved(StreamReader reader) {
        membership.incrementAndGet();
    }
}
