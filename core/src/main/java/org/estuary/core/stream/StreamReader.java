package org.estuary.core.stream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.estuary.core.media.Frame;

/**
 * One reader's view of a {@link Stream}: a bounded queue filled by the publisher thread and
 * drained by the reader's own thread.
 *
 * <p>When the queue is full the reader is behind: frames are dropped (and counted) until the next
 * video keyframe finds room again, so a slow reader never stalls the publisher or other readers,
 * and it resumes on a decodable picture. {@code onReadable} is called by the publisher thread when
 * frames arrive after the reader last emptied its queue; it must only schedule work (e.g. hop onto
 * the reader's event loop), never do it.
 */
public final class StreamReader {
    private final Stream stream;
    private final ReaderInfo info;
    private final SpscRing<Frame> queue;
    private final Runnable onReadable;
    private final long createdAtMillis = System.currentTimeMillis();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deliveredBytes = new AtomicLong();
    private volatile Runnable onTerminate = () -> { };
    /** What the client presented when it was admitted (query parameters, keys), for later re-checks. */
    private volatile java.util.Map<String, String> params = java.util.Map.of();
    private volatile boolean closed;

    // Publisher-thread state: whether we are skipping to the next keyframe.
    private boolean skipping;

    StreamReader(Stream stream, ReaderInfo info, int capacity, Runnable onReadable) {
        this.stream = stream;
        this.info = info;
        this.queue = new SpscRing<>(capacity);
        this.onReadable = onReadable;
    }

    public Stream stream() { return stream; }
    public ReaderInfo info() { return info; }
    public long createdAtMillis() { return createdAtMillis; }
    public long droppedFrames() { return dropped.get(); }
    public long deliveredFrames() { return delivered.get(); }
    public long deliveredBytes() { return deliveredBytes.get(); }
    public int queued() { return queue.size(); }
    public boolean isClosed() { return closed; }

    /** The parameters the client presented when admitted (e.g. an access key); empty when none were kept. */
    public java.util.Map<String, String> params() { return params; }

    /**
     * Keeps what the client presented when it was admitted, so a later change of the rules (e.g. a CDN
     * access list) can check this reader again without asking the client.
     */
    public void params(java.util.Map<String, String> admitted) {
        this.params = admitted == null ? java.util.Map.of() : java.util.Map.copyOf(admitted);
    }

    /**
     * Reader thread: the next frame or null when nothing is queued. Call {@link #beginDrain()}
     * before a drain pass so frames that arrive during the pass signal again.
     */
    public Frame poll() {
        Frame f = queue.poll();
        if (f != null) {
            delivered.incrementAndGet();
            deliveredBytes.addAndGet(f.size());
        }
        return f;
    }

    /** Reader thread: re-arms the readable signal; call before draining. */
    public void beginDrain() {
        signalled.set(false);
    }

    /** True once the stream has ended and every queued frame was read. */
    public boolean isEnded() {
        return stream.isEnded() && queue.size() == 0;
    }

    /** Why the stream ended, or null while it runs. */
    public String endReason() {
        return stream.endReason();
    }

    /** What to do when someone terminates this reading session (e.g. REST /stream/terminate). */
    public void onTerminate(Runnable action) {
        this.onTerminate = action == null ? () -> { } : action;
    }

    /** Asks the owner to stop this reader (it will call {@link #close()}). */
    public void terminate() {
        onTerminate.run();
    }

    /** Detaches from the stream; safe from any thread, idempotent. */
    public void close() {
        if (!closed) {
            closed = true;
            stream.detach(this);
        }
    }

    // ---- publisher thread ----

    /** Seeds a joining reader; returns false when no decodable start is cached yet. */
    void seed(Iterable<Frame> configs, Iterable<Frame> gop, boolean gopUsable) {
        for (Frame c : configs) {
            queue.offer(c);
        }
        if (gopUsable) {
            for (Frame f : gop) {
                if (!queue.offer(f)) {
                    dropped.incrementAndGet();
                    skipping = true;
                    break;
                }
            }
        } else {
            skipping = true;
        }
        signal();
    }

    /** Publisher thread: hands one frame to this reader, applying the overflow policy. */
    void offer(Frame f, boolean streamHasVideo, Iterable<Frame> configs) {
        if (closed) {
            return;
        }
        if (skipping) {
            boolean resumePoint = f.isConfig() ? false
                    : streamHasVideo ? (f.isVideo() && f.isKeyframe()) : !f.isData();
            if (!resumePoint || queue.size() > queue.capacity() / 2) {
                if (!f.isConfig()) {
                    dropped.incrementAndGet();
                }
                return;
            }
            skipping = false;
            // Configuration may have changed while we skipped: resend it before the keyframe.
            for (Frame c : configs) {
                queue.offer(c);
            }
        }
        if (!queue.offer(f)) {
            dropped.incrementAndGet();
            skipping = true;
            return;
        }
        signal();
    }

    void signal() {
        if (!signalled.getAndSet(true)) {
            onReadable.run();
        }
    }

    /** Wakes the reader so it notices the end of the stream. */
    void wake() {
        signalled.set(true);
        onReadable.run();
    }

    @Override
    public String toString() {
        return "StreamReader{" + info.mediaSessionId() + " of " + stream.name() + '}';
    }
}
