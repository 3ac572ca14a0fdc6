package org.estuary.core.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.media.TrackType;

/**
 * A named live stream: one publisher, many readers (DESIGN.md §2).
 *
 * <p>{@link #publish(Frame)} is called by one publisher thread at a time; it owns the codec
 * configuration, the GOP cache and the readers' queues' producer side. Readers join through
 * {@link #addReader}, from any thread, and are seeded with configuration and the cached GOP at once,
 * so no frame is missed or duplicated. The seeding and {@code publish} exclude each other with a
 * lock that nothing else takes: uncontended on the media path, and a joiner never waits for the
 * publisher (when the publisher holds it, the publisher admits the joiner as it lets go). A joiner
 * must not wait for the next frame: a stream whose publisher is silent for a while (a camera
 * reconnecting, a slide or time-lapse source, a paused file) would leave it with nothing, not even
 * the sequence headers and key frame already cached.
 */
public final class Stream {
    private final String name;
    private final String mediaSessionId;
    private final PublisherInfo publisher;
    private final long createdAtMillis = System.currentTimeMillis();
    private final int readerCapacity;
    private final GopCache gop;
    private final List<StreamReader> readers = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<StreamReader> joining = new ConcurrentLinkedQueue<>();
    /** Held by publish and by whoever admits joiners: the publisher-thread state below is theirs. */
    private final ReentrantLock producer = new ReentrantLock();
    private final StreamRegistry registry;

    // Publisher-thread state (guarded by producer).
    private Frame videoConfig;
    private Frame audioConfig;
    private Frame metadata;
    private boolean sawVideo;
    private int framesSinceKey;
    private boolean sawKey;
    private final List<Frame> configView = new ArrayList<>(3);

    private volatile MediaDescription description = MediaDescription.EMPTY;
    private volatile boolean ended;
    private volatile String endReason;
    private volatile boolean failed;
    private volatile long lastFrameAtMillis = System.currentTimeMillis();
    private volatile Runnable onTerminate = () -> { };
    private volatile boolean recording;
    private volatile long lastVideoAtMillis;
    private volatile long lastAudioAtMillis;
    private volatile int gopFrames;

    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong videoFrames = new AtomicLong();
    private final AtomicLong audioFrames = new AtomicLong();
    private final BitrateMeter bitrate = new BitrateMeter();

    Stream(StreamRegistry registry, String name, String mediaSessionId, PublisherInfo publisher,
           int readerCapacity, int gopMaxFrames, long gopMaxBytes) {
        this.registry = registry;
        this.name = name;
        this.mediaSessionId = mediaSessionId;
        this.publisher = publisher;
        this.readerCapacity = readerCapacity;
        this.gop = new GopCache(gopMaxFrames, gopMaxBytes);
    }

    public String name() { return name; }
    public String mediaSessionId() { return mediaSessionId; }
    public PublisherInfo publisher() { return publisher; }
    public long createdAtMillis() { return createdAtMillis; }
    public MediaDescription description() { return description; }
    public boolean isEnded() { return ended; }
    public String endReason() { return endReason; }
    public long lastFrameAtMillis() { return lastFrameAtMillis; }
    public long bytesIn() { return bytesIn.get(); }
    public long videoFrames() { return videoFrames.get(); }
    public long audioFrames() { return audioFrames.get(); }
    /** Incoming bitrate over the last few seconds, bits per second. */
    public long bitrateBps() { return bitrate.bitsPerSecond(System.currentTimeMillis()); }
    public boolean isRecording() { return recording; }
    /** Video frames from one key frame to the next, as last measured; 0 before two key frames arrived. */
    public int gopFrames() { return gopFrames; }
    /** A track that delivered nothing for this long counts as silent (muted: the publisher stopped sending it). */
    public static final long SILENT_AFTER_MS = 3_000;

    /** Whether a track whose last frame came at {@code lastAtMillis} (0 = never) is silent at {@code nowMillis}. */
    public static boolean silent(long lastAtMillis, long nowMillis) {
        return lastAtMillis == 0 || nowMillis - lastAtMillis > SILENT_AFTER_MS;
    }

    /** When the last video (audio) frame arrived, wall clock ms; 0 = never. */
    public long lastVideoAtMillis() { return lastVideoAtMillis; }
    public long lastAudioAtMillis() { return lastAudioAtMillis; }
    public void setRecording(boolean recording) {
        if (this.recording != recording) {
            this.recording = recording;
            registry.listedStateChanged();
        }
    }
    public List<StreamReader> readers() { return Collections.unmodifiableList(readers); }

    /** Publisher adapter: what the stream carries (codecs, size, rate). */
    public void describe(MediaDescription d) {
        MediaDescription next = d == null ? MediaDescription.EMPTY : d;
        if (!next.equals(description)) {
            // only a real change makes listings rebuild (ingests describe again on every config record)
            this.description = next;
            registry.listedStateChanged();
        }
    }

    /** What to do when someone terminates the stream (cut the publisher's connection, stop the agent). */
    public void onTerminate(Runnable action) {
        this.onTerminate = action == null ? () -> { } : action;
    }

    /** Asks the publisher to stop; the owner then calls {@link #end(String)}. */
    public void terminate() {
        onTerminate.run();
    }

    /**
     * Adds a reader, seeded with the configuration and cached GOP before this returns when the
     * publisher is not publishing at that moment (else right after its current frame).
     * {@code onReadable} is run when frames are queued (on the publisher thread, or on this one for
     * the seed, possibly before this method returns) and must only schedule the drain on the
     * reader's own thread.
     */
    public StreamReader addReader(ReaderInfo info, Runnable onReadable) {
        StreamReader r = new StreamReader(this, info, readerCapacity, onReadable);
        if (ended) {
            r.wake();
            return r;
        }
        joining.add(r);
        registry.readerAdded(r);
        if (ended) {
            // end() may have run between the check and the add: make sure the reader learns it.
            r.wake();
        }
        admitJoiners();
        return r;
    }

    void detach(StreamReader r) {
        joining.remove(r);
        readers.remove(r);
        registry.readerRemoved(r);
    }

    /** Publisher thread: one frame in. Ignored once the stream ended. */
    public void publish(Frame f) {
        if (ended) {
            return;
        }
        producer.lock();
        try {
            offer(f);
        } finally {
            producer.unlock();
        }
        // After the live offer: a joiner's seed already holds this frame (GOP cache or config).
        admitJoiners();
    }

    /**
     * Publisher thread: forgets the cached GOP, so readers joining from now on start at the next
     * video key frame. For a publisher whose video pauses on purpose (an on-demand transcode that
     * stopped for want of readers): a newcomer then gets its fresh picture, not a stale one followed
     * by a jump in time (an HLS segment spanning the pause).
     */
    public void dropCachedGop() {
        producer.lock();
        try {
            gop.clear();
        } finally {
            producer.unlock();
        }
    }

    private void offer(Frame f) {
        long now = System.currentTimeMillis();
        lastFrameAtMillis = now;
        bytesIn.addAndGet(f.size());
        bitrate.add(now, f.size());
        if (f.isVideo()) {
            sawVideo = true;
        }
        boolean hasVideo = sawVideo || description.hasVideo();
        if (f.isConfig()) {
            switch (f.type()) {
                case VIDEO -> videoConfig = f;
                case AUDIO -> audioConfig = f;
                case DATA -> metadata = f;
                default -> { }
            }
            rebuildConfigView();
        } else if (f.isVideo()) {
            videoFrames.incrementAndGet();
            if (silent(lastVideoAtMillis, now)) {
                registry.listedStateChanged(); // the video track is back (or starts)
            }
            lastVideoAtMillis = now;
            if (f.isKeyframe()) {
                if (framesSinceKey > 0 && sawKey && gopFrames != framesSinceKey) {
                    gopFrames = framesSinceKey;
                    registry.listedStateChanged();
                }
                sawKey = true;
                framesSinceKey = 1;
            } else {
                framesSinceKey++;
            }
        } else if (f.isAudio()) {
            audioFrames.incrementAndGet();
            if (silent(lastAudioAtMillis, now)) {
                registry.listedStateChanged(); // the audio track is back (or starts)
            }
            lastAudioAtMillis = now;
        }
        gop.add(f, hasVideo);
        for (StreamReader r : readers) {
            r.offer(f, hasVideo, configView);
        }
    }

    /**
     * Any thread: readers waiting to join get in, unless someone else holds the producer side, who
     * then admits them when it lets go (it checks the queue after unlocking, and a joiner enqueues
     * before trying: no joiner is left waiting for a frame).
     */
    private void admitJoiners() {
        while (!joining.isEmpty() && producer.tryLock()) {
            try {
                StreamReader j;
                while ((j = joining.poll()) != null) {
                    if (j.isClosed()) {
                        continue;
                    }
                    j.seed(configView, gop.frames(), gop.usable());
                    readers.add(j);
                }
            } finally {
                producer.unlock();
            }
        }
    }

    private void rebuildConfigView() {
        configView.clear();
        if (metadata != null) {
            configView.add(metadata);
        }
        if (videoConfig != null) {
            configView.add(videoConfig);
        }
        if (audioConfig != null) {
            configView.add(audioConfig);
        }
    }

    /**
     * Ends the stream: readers drain what is queued then see {@link StreamReader#isEnded()}; the
     * name is released. Safe from any thread, idempotent.
     */
    public void end(String reason) {
        finish(reason, false);
    }

    /** Ends the stream because something broke (protocol error, unreadable file...): a FAILED end. */
    public void fail(String reason) {
        finish(reason, true);
    }

    /** True when the stream ended through {@link #fail(String)}. */
    public boolean isFailed() {
        return failed;
    }

    private void finish(String reason, boolean failure) {
        if (ended) {
            return;
        }
        endReason = reason;
        failed = failure;
        ended = true;
        registry.unpublished(this, reason);
        for (StreamReader r : readers) {
            r.wake();
        }
        StreamReader j;
        while ((j = joining.poll()) != null) {
            j.wake();
        }
    }

    /** Convenience for REST objects: codec name of a track or null. */
    public Codec codec(TrackType type) {
        return type == TrackType.VIDEO ? description.videoCodec() : description.audioCodec();
    }

    /** Snapshot of a few counters for logs. */
    public Map<String, Object> counters() {
        return Map.of("bytesIn", bytesIn.get(), "videoFrames", videoFrames.get(),
                "audioFrames", audioFrames.get(), "readers", readers.size());
    }

    @Override
    public String toString() {
        return "Stream{" + name + ", " + mediaSessionId + '}';
    }
}
