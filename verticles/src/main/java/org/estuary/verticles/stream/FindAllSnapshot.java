package org.estuary.verticles.stream;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 * player came or went ({@link StreamListener}), when any listed flag or description changed
 * ({@link StreamRegistry#listedStateVersion}; a track falling silent, which no event tells, at the
 * moment it would: {@link #nextSilentFlip}), and otherwise once it is {@link #MAX_AGE_MS} old: only
 * counters ({@code bitrate}, {@code stats}) and a player's end before it leaves can be that much
 * older than the request. No request scans the streams (with 1,000 of them a per-request scan was
 * most of find_all's cost once the answer was shared: JFR, RestFindBenchmark).
 * {@code /stream/find} is always built live. Clients that accept gzip get the answer compressed once
 * per rebuild ({@link #gzipped}).
 *
 * <p>Built on the control verticle's thread; the REST layer reads the last build from the HTTP event
 * loops ({@link #current}, published through {@link org.estuary.verticles.agent.SharedAnswers}) and
 * sends it without asking the verticle while it is still valid. The membership counter is bumped
 * by the registry's listeners from any thread.
 */
final class FindAllSnapshot implements StreamListener {
    /** How old the counters in a shared answer may be. */
    static final long MAX_AGE_MS = 500;

    private final StreamRegistry streams;
    private final AtomicLong membership = new AtomicLong();
    /** The last answer built; written on the control verticle's loop, read by the HTTP event loops too. */
    private volatile Built built;

    /**
     * One build of the answer and what it was built from. Immutable: a gzip copy made later is a new
     * Built with the same validity. Both bodies are direct buffers, written to every socket as they are
     * (no per-request copy into a direct buffer by Netty; 680 kB per uncompressed answer).
     */
    private record Built(Buffer answer, Buffer gzipped, long membership, long listed, long atNanos,
                         long silentFlipAtMillis) {
        Built withGzip(Buffer gz) {
            return new Built(answer, gz, membership, listed, atNanos, silentFlipAtMillis);
        }
    }

    FindAllSnapshot(StreamRegistry streams) {
        this.streams = streams;
    }

    /** The shared answer when still valid, else {@code build}'s (kept for the next requests); null when empty. */
    Buffer answer(Supplier<Buffer> build) {
        Built b = built;
        if (!fresh(b)) {
            // read before building: a change during the build makes the next request rebuild
            long now = System.nanoTime();
            long members = membership.get();
            long listed = streams.listedStateVersion();
            long flip = nextSilentFlip();
            b = new Built(direct(build.get()), null, members, listed, now, flip);
            built = b;
        }
        return b.answer();
    }

    /**
     * For the REST layer ({@link org.estuary.verticles.agent.SharedAnswers}), from any thread: the
     * answer (gzipped when asked) while exactly what {@link #answer} would return without a rebuild,
     * else null (the request then goes to the control verticle, which rebuilds).
     */
    Buffer current(boolean gzip) {
        Built b = built;
        if (!fresh(b)) {
            return null;
        }
        return gzip ? b.gzipped() : b.answer();
    }

    /**
     * Not empty (an empty node is asked anew every time, as before), nothing but counters changed
     * since {@code b} was built, and it is younger than {@link #MAX_AGE_MS}.
     */
    private boolean fresh(Built b) {
        return b != null && b.answer() != null && b.membership() == membership.get() && b.listed() == streams.listedStateVersion()
                && System.nanoTime() - b.atNanos() < TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS)
                && System.currentTimeMillis() < b.silentFlipAtMillis();
    }

    /**
     * When the first track that is sending now would count as muted if it sent nothing more: the
     * one change of a listed flag that no event tells (a track coming back is told through
     * {@link StreamRegistry#listedStateVersion}).
     */
    private long nextSilentFlip() {
        long nowMillis = System.currentTimeMillis();
        long first = Long.MAX_VALUE;
        for (Stream s : streams.streams()) {
            first = Math.min(first, silentAt(s.lastAudioAtMillis(), nowMillis));
            first = Math.min(first, silentAt(s.lastVideoAtMillis(), nowMillis));
        }
        return first;
    }

    private static long silentAt(long lastAtMillis, long nowMillis) {
        return Stream.silent(lastAtMillis, nowMillis) ? Long.MAX_VALUE : lastAtMillis + Stream.SILENT_AFTER_MS + 1;
    }

    /**
     * The current answer (the one {@link #answer} last returned) gzip-compressed, made once per answer
     * on the first request that accepts it. Fastest level: 1,000 streams' 680 kB take ~5 ms and shrink
     * about 15-fold (the objects repeat their field names), against ~25 ms at the default level for a
     * few percent more.
     */
    Buffer gzipped() {
        Built b = built;
        if (b == null || b.answer() == null) {
            return null;
        }
        if (b.gzipped() == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(b.answer().length() / 8);
            try (FastestGzip gz = new FastestGzip(out)) {
                gz.write(b.answer().getBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in-memory streams do not fail
            }
            b = b.withGzip(direct(Buffer.buffer(out.toByteArray())));
            built = b;
        }
        return b.gzipped();
    }

    /**
     * {@code heap} copied once into a JDK direct buffer (freed by the GC when no answer holds it; Netty
     * neither frees nor pools it). Vert.x writes a non-heap buffer as an unreleasable slice, so every
     * response shares these bytes.
     */
    private static Buffer direct(Buffer heap) {
        if (heap == null) {
            return null;
        }
        ByteBuffer nio = ByteBuffer.allocateDirect(heap.length());
        nio.put(heap.getBytes()).flip();
        return BufferInternal.buffer(Unpooled.wrappedBuffer(nio));
    }

    /** A gzip stream at {@link Deflater#BEST_SPEED} (GZIPOutputStream has no level parameter). */
    private static final class FastestGzip extends GZIPOutputStream {
        FastestGzip(ByteArrayOutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
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
