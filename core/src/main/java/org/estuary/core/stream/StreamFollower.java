package org.estuary.core.stream;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.estuary.core.media.Frame;

/**
 * Follows a stream by name, across republishes: waits until the name is published, attaches a
 * reader, lets the owner drain it on the owner's media thread, notices the end, and waits for the
 * name again. Every agent that reads a stream (transcoder, transponder, HLS, mixer input, RTMP
 * player) is this loop plus its own media work (DESIGN.md §4b).
 *
 * <p>Threads: lifecycle callbacks ({@code onPublished}, {@code onUnpublished}) run on the
 * {@code owner} executor (the agent's Vert.x context). Frames are handed over by
 * {@link #drain(FrameSink)}, which the owner calls on its media thread; {@code wake} (or the
 * {@link Builder#drainOn drainOn} shortcut) tells it when. {@link #start()} is called on the owner
 * executor; {@link #stop()} from any thread. Lifecycle steps take a small lock; the media path
 * (wake, drain) takes none.
 *
 * <pre>{@code
 * follower = StreamFollower.of(registry, "cam1")
 *         .owner(ctx::runOnContext-style executor)
 *         .reader(s -> ReaderInfo.internal(id, "Transcoder"))
 *         .onPublished(r -> status = RUNNING)
 *         .onUnpublished((s, why) -> info = "waiting for cam1")
 *         .drainOn(worker, sink)
 *         .build();
 * follower.start();
 * }</pre>
 */
public final class StreamFollower {
    private final StreamRegistry registry;
    private final String name;
    private final Executor owner;
    private final Function<Stream, ReaderInfo> readerInfo;
    private final Consumer<StreamReader> onPublished;
    private final BiConsumer<Stream, String> onUnpublished;
    private final boolean once;
    private final Stream publication;
    private final Runnable wake;

    // lifecycle state, guarded by this
    private boolean following;
    private long generation;
    private Runnable cancelWait;
    private int publishCount;

    private volatile StreamReader reader;
    // media-thread state
    private Stream lastDrained;

    private StreamFollower(Builder b) {
        this.registry = b.registry;
        this.name = b.name;
        this.owner = Objects.requireNonNull(b.owner, "owner executor");
        this.readerInfo = Objects.requireNonNull(b.readerInfo, "reader info");
        this.onPublished = b.onPublished;
        this.onUnpublished = b.onUnpublished;
        this.once = b.once;
        this.publication = b.publication;
        if (b.media != null) {
            FrameSink sink = b.sink;
            Executor media = b.media;
            AtomicBoolean scheduled = new AtomicBoolean();
            Runnable pass = () -> {
                scheduled.set(false);
                drain(sink);
            };
            this.wake = () -> {
                if (scheduled.compareAndSet(false, true)) {
                    try {
                        media.execute(pass);
                    } catch (RejectedExecutionException e) {
                        // the owner shut its media thread down: it stopped following
                    }
                }
            };
        } else {
            this.wake = Objects.requireNonNull(b.wake, "wake or drainOn");
        }
    }

    /** Starts describing a follower of {@code name}. */
    public static Builder of(StreamRegistry registry, String name) {
        return new Builder(Objects.requireNonNull(registry), name, null);
    }

    /**
     * Starts describing a follower of one publication only (implies {@link Builder#once()}): a
     * player whose session was negotiated for that publication's tracks (a WebRTC player). When
     * the publication has ended before {@link #start()} (or ends before the reader is attached),
     * {@code onUnpublished} reports it at once instead of waiting for the name to come back: a
     * later publication of the name may carry codecs the session never negotiated.
     */
    public static Builder of(Stream publication) {
        Builder b = new Builder(null, publication.name(), publication);
        b.once = true;
        return b;
    }

    public String name() { return name; }

    /** The reader of the stream being followed, or null while waiting for the name. */
    public StreamReader reader() { return reader; }

    /** The stream being read, or null while waiting. */
    public Stream stream() {
        StreamReader r = reader;
        return r == null ? null : r.stream();
    }

    /** How many publications of the name this follower has attached to. */
    public synchronized int publishCount() { return publishCount; }

    public synchronized boolean isFollowing() { return following; }

    /** True when a drain pass has something to do: frames queued, or an end to notice. */
    public boolean hasWork() {
        StreamReader r = reader;
        return r != null && (r.queued() > 0 || r.isEnded());
    }

    /** Asks for a drain pass (e.g. when the owner's socket has room again). Any thread. */
    public void wake() {
        wake.run();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Owner executor: attaches now when the name is live, else waits for it. A stopped follower
     * may be started again (a transponder follows its source only while its target is connected).
     */
    public void start() {
        long gen;
        synchronized (this) {
            if (following) {
                return;
            }
            following = true;
            gen = ++generation;
        }
        if (publication != null) {
            attach(publication, gen);
            return;
        }
        Optional<Stream> live = registry.find(name);
        if (live.isPresent()) {
            attach(live.get(), gen);
        } else {
            await(gen);
        }
    }

    /** Stops reading and waiting; no callback follows. Any thread, idempotent. */
    public void stop() {
        Runnable cancel;
        StreamReader r;
        synchronized (this) {
            following = false;
            generation++;
            cancel = cancelWait;
            cancelWait = null;
            r = reader;
            reader = null;
        }
        if (cancel != null) {
            cancel.run();
        }
        if (r != null) {
            r.close();
        }
    }

    /**
     * Owner executor: lets go of the current reader as if its stream had ended with
     * {@code reason} (e.g. the reader was terminated by REST), then waits for the name again,
     * which attaches at once when the stream is still live.
     */
    public void dropReader(String reason) {
        StreamReader r = reader;
        if (r != null) {
            ended(r, reason);
        }
    }

    private void await(long gen) {
        Runnable cancel = registry.awaitPublished(name, s -> owner.execute(() -> attach(s, gen)));
        boolean keep;
        synchronized (this) {
            keep = following && generation == gen && reader == null;
            if (keep) {
                cancelWait = cancel;
            }
        }
        if (!keep) {
            cancel.run();
        }
    }

    private void attach(Stream s, long gen) {
        Runnable cancel;
        synchronized (this) {
            if (!following || generation != gen || reader != null) {
                return;
            }
            cancel = cancelWait;
            cancelWait = null;
        }
        if (cancel != null) {
            cancel.run();
        }
        if (s.isEnded() && publication != null) {
            endedBeforeAttach(gen);   // the one publication is over: nothing to wait for
            return;
        }
        if (s.isEnded()) {
            await(gen);   // a stale publication: wait for the next one
            return;
        }
        StreamReader r = s.addReader(readerInfo.apply(s), wake);
        synchronized (this) {
            if (!following || generation != gen) {
                r.close();   // stopped meanwhile
                return;
            }
            reader = r;
            publishCount++;
        }
        if (onPublished != null) {
            onPublished.accept(r);
        }
        wake.run();
    }

    /** Publication mode: the publication ended before a reader was attached; reported like an end. */
    private void endedBeforeAttach(long gen) {
        synchronized (this) {
            if (!following || generation != gen) {
                return;
            }
            following = false;
        }
        if (onUnpublished != null) {
            onUnpublished.accept(publication, publication.endReason());
        }
    }

    private void ended(StreamReader r, String reason) {
        long gen;
        synchronized (this) {
            if (reader != r) {
                return;   // stopped, or already handled by an earlier pass
            }
            reader = null;
            gen = generation;
            if (once) {
                following = false;
            }
        }
        r.close();
        if (onUnpublished != null) {
            onUnpublished.accept(r.stream(), reason);
        }
        boolean again;
        synchronized (this) {
            again = following && generation == gen;
        }
        if (again) {
            await(gen);
        }
    }

    // ---------------------------------------------------------------- media

    /**
     * Owner's media thread: hands queued frames to {@code sink} while it {@link FrameSink#wants()
     * wants} more, and reports the end of the stream (on the owner executor) once every frame was
     * handed over. Returns how many frames were handed over.
     */
    public int drain(FrameSink sink) {
        StreamReader r = reader;
        if (r == null) {
            return 0;
        }
        Stream s = r.stream();
        if (s != lastDrained) {
            lastDrained = s;
            sink.sourceChanged(s);
        }
        r.beginDrain();
        int n = 0;
        for (Frame f; sink.wants() && (f = r.poll()) != null; n++) {
            sink.frame(f, s);
        }
        if (r.isEnded()) {
            owner.execute(() -> ended(r, r.endReason()));
        }
        return n;
    }

    @Override
    public String toString() {
        return "StreamFollower{" + name + '}';
    }

    /** What a follower needs: an owner executor, how to name its reader, and how to be woken. */
    public static final class Builder {
        private final StreamRegistry registry;
        private final String name;
        private Executor owner;
        private Function<Stream, ReaderInfo> readerInfo;
        private Consumer<StreamReader> onPublished;
        private BiConsumer<Stream, String> onUnpublished;
        private boolean once;
        private final Stream publication;
        private Runnable wake;
        private Executor media;
        private FrameSink sink;

        private Builder(StreamRegistry registry, String name, Stream publication) {
            this.registry = registry;
            this.name = Objects.requireNonNull(name);
            this.publication = publication;
        }

        /** Where lifecycle callbacks run: the agent's control thread (its Vert.x context). */
        public Builder owner(Executor owner) {
            this.owner = owner;
            return this;
        }

        /** The reader's identity for each publication (REST shows it under the stream). */
        public Builder reader(Function<Stream, ReaderInfo> info) {
            this.readerInfo = info;
            return this;
        }

        /** Owner executor: a reader of a new publication is attached. */
        public Builder onPublished(Consumer<StreamReader> action) {
            this.onPublished = action;
            return this;
        }

        /** Owner executor: the followed stream ended and every frame was drained. */
        public Builder onUnpublished(BiConsumer<Stream, String> action) {
            this.onUnpublished = action;
            return this;
        }

        /** Follow one publication only (an RTMP player): after its end the follower stops. */
        public Builder once() {
            this.once = true;
            return this;
        }

        /**
         * Called on the publisher thread when frames arrive (or the stream ends): must only
         * schedule a call of {@link #drain(FrameSink)} on the owner's media thread.
         */
        public Builder wake(Runnable wake) {
            this.wake = wake;
            return this;
        }

        /** Shortcut for {@link #wake}: drain into {@code sink} on {@code media}, one pass queued at a time. */
        public Builder drainOn(Executor media, FrameSink sink) {
            this.media = Objects.requireNonNull(media);
            this.sink = Objects.requireNonNull(sink);
            return this;
        }

        public StreamFollower build() {
            return new StreamFollower(this);
        }
    }
}
