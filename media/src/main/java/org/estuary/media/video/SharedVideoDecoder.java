package org.estuary.media.video;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.media.Frame;

/**
 * Decodes one source's video once for every consumer that reads it: the transcoders and mixer
 * inputs of one publication, each on its own worker thread (issue 14 item 6: decode once per
 * source). Each consumer holds a {@link Handle} and pushes the hub's frames — the same
 * {@link Frame} objects every reader of the publication gets, in the same order — and receives
 * the pictures each frame completed as references of its own ({@code av_frame_clone}: the pixels
 * are shared, never copied; a consumer that draws on one gets a private copy first).
 *
 * <p>Whoever reaches a frame first decodes it, under this decoder's lock; the others find its
 * pictures in a short history (by frame identity) while two or more consumers read. With one
 * consumer nothing is kept and every frame is decoded as it comes, exactly as a private decoder
 * would. A frame that is not in the history and is older than the newest one decoded is not fed
 * to the decoder (the reference pictures have moved on: decoding it would corrupt every
 * consumer's next pictures). That happens to a consumer joining mid-stream (its first frames, the
 * cached GOP, were decoded before it came) or one lagging more than {@link #HISTORY} frames behind
 * the first. Such a consumer catches up with a private decoder of its own, started at a key frame
 * with the newest config it pushed, outside the shared lock, and returns to the shared pictures as
 * soon as it reaches one still kept (or a frame nobody has decoded yet); so a consumer that joins
 * gets the same pictures from the same key frame as the one already there (adaptive HLS renditions
 * started a few milliseconds apart cut their first segments at the same picture). Only a consumer
 * that fell behind mid-GOP misses pictures, up to the next key frame. A timestamp that jumps back
 * more than {@link #RESET_US} is a source clock reset, not a lag: decoded.
 *
 * <p>Decoders are found by source: any object standing for one publication (the hub's stream);
 * a new publication gets a new decoder. The last handle closed frees the decoder and the history.
 */
public final class SharedVideoDecoder {
    /**
     * Frames whose pictures are kept while several consumers read: half a second at 30 fps, for
     * consumers that keep real time but reach each frame at different moments (native memory: up
     * to 16 more pictures per shared source, 22 MB at 720p, about what a second decoder would hold).
     */
    static final int HISTORY = 16;
    /** A time going back this far within one publication is its clock restarting, not a consumer lagging. */
    static final long RESET_US = 5_000_000;
    private static final Map<Object, SharedVideoDecoder> BY_SOURCE = new IdentityHashMap<>();
    /** What {@link #decode} answers for a frame the shared decoder has passed: the consumer's own business. */
    private static final List<DecodedPicture> PASSED = java.util.Collections.unmodifiableList(new ArrayList<>(0));
    /** {@code -Destuary.video.sharedDecode=false}: a decoder per consumer, as before (A/B runs). */
    private static final boolean SHARED = !"false".equals(System.getProperty("estuary.video.sharedDecode"));

    private final Object source;
    private int users;
    private VideoDecoder decoder;
    private final ArrayDeque<Decoded> history = new ArrayDeque<>();
    private final Map<Frame, Decoded> byFrame = new IdentityHashMap<>();
    private final ArrayDeque<Frame> configs = new ArrayDeque<>();
    /** The newest media frame decoded (identity and time: what counts as already passed). */
    private Frame lastFrame;
    private long decodes;

    /** A frame's pictures as decoded, and whether the decoder failed on it. */
    private record Decoded(Frame frame, List<DecodedPicture> pictures, boolean failed) { }

    private SharedVideoDecoder(Object source) {
        this.source = source;
    }

    /** A consumer's handle on the decoder of {@code source}'s video (made on first use). Any thread. */
    public static Handle acquire(Object source) {
        synchronized (BY_SOURCE) {
            SharedVideoDecoder d = SHARED ? BY_SOURCE.computeIfAbsent(source, SharedVideoDecoder::new)
                    : new SharedVideoDecoder(source);
            synchronized (d) {
                d.users++;
            }
            return new Handle(d);
        }
    }

    /** How many sources have a decoder now (tests: every handle closed leaves none). */
    public static int active() {
        synchronized (BY_SOURCE) {
            return BY_SOURCE.size();
        }
    }

    private void release() {
        synchronized (BY_SOURCE) {
            synchronized (this) {
                if (--users > 0) {
                    trim();
                    return;
                }
                BY_SOURCE.remove(source, this);
                forget();
                lastFrame = null;
                configs.clear();
                if (decoder != null) {
                    decoder.close();
                    decoder = null;
                }
            }
        }
    }

    /** The pictures {@code f} completed, or {@link #PASSED} (by identity) when the shared decoder is past it. */
    private synchronized List<DecodedPicture> decode(Handle h, Frame f) {
        if (f.isConfig()) {
            // every consumer pushes the same config frames: feed each one once, and never an older
            // one again after a newer (a lagging consumer would put the decoder back on it)
            for (Frame c : configs) {
                if (c == f) {
                    return List.of();
                }
            }
            configs.addLast(f);
            if (configs.size() > 4) {
                configs.removeFirst();
            }
            return fresh(h, f);
        }
        Decoded known = byFrame.get(f);
        if (known != null) {
            h.taken++;
            if (known.failed()) {
                h.errors++;
            }
            return clones(known.pictures());
        }
        if (users > 1 && (f == lastFrame
                || lastFrame != null && f.dtsUs() < lastFrame.dtsUs() && lastFrame.dtsUs() - f.dtsUs() < RESET_US)) {
            return PASSED;
        }
        lastFrame = f;
        return fresh(h, f);
    }

    /** Decodes {@code f}; the pictures are the caller's, references kept for the other consumers. */
    private List<DecodedPicture> fresh(Handle h, Frame f) {
        if (decoder == null || decoder.codec() != f.codec()) {
            if (decoder != null) {
                decoder.close();
                forget();
            }
            decoder = new VideoDecoder(f.codec(), null, 1);
        }
        decodes++;
        long errorsBefore = decoder.errors();
        List<DecodedPicture> pictures;
        try {
            pictures = decoder.decode(f);
        } catch (RuntimeException e) {
            // a config the codec cannot open leaves it unusable: the next frame starts a new one
            // (what a consumer with a private decoder did by dropping it), for every consumer
            decoder.close();
            decoder = null;
            forget();
            configs.clear();
            throw e;
        }
        boolean failed = decoder.errors() > errorsBefore;
        if (failed) {
            h.errors++;
        }
        if (users > 1 && !f.isConfig()) {
            Decoded d = new Decoded(f, clones(pictures), failed);
            history.addLast(d);
            byFrame.put(f, d);
            trim();
        }
        return pictures;
    }

    private void trim() {
        int keep = users > 1 ? HISTORY : 0;
        while (history.size() > keep) {
            Decoded old = history.removeFirst();
            byFrame.remove(old.frame());
            old.pictures().forEach(DecodedPicture::close);
        }
    }

    private void forget() {
        history.forEach(d -> d.pictures().forEach(DecodedPicture::close));
        history.clear();
        byFrame.clear();
    }

    private static List<DecodedPicture> clones(List<DecodedPicture> pictures) {
        List<DecodedPicture> out = new ArrayList<>(pictures.size());
        for (DecodedPicture p : pictures) {
            out.add(p.share());
        }
        return out;
    }

    /**
     * One consumer's use of a shared decoder; its thread only. Pictures returned are the caller's
     * to close, like {@link VideoDecoder#decode}'s.
     */
    public static final class Handle implements AutoCloseable {
        private final SharedVideoDecoder shared;
        private boolean closed;
        private long taken;
        private long missed;
        private long errors;
        private long caughtUp;
        /** The newest config frame this consumer pushed: what its catch-up decoder starts with. */
        private Frame config;
        /** This consumer's private decoder while it is behind the shared one; null when in step. */
        private VideoDecoder catchUp;
        private int catchUpFrames;

        private Handle(SharedVideoDecoder shared) {
            this.shared = shared;
        }

        /** The pictures {@code f} completed: decoded now, or taken from the consumer that did. */
        public List<DecodedPicture> decode(Frame f) {
            if (closed) {
                throw new IllegalStateException("shared decoder handle closed");
            }
            if (f.isConfig()) {
                if (catchUp != null && (config == null || !java.util.Arrays.equals(config.payload(), f.payload()))) {
                    endCatchUp(); // a new config: the next key frame starts a catch-up decoder with it
                }
                config = f;
            }
            List<DecodedPicture> pictures = shared.decode(this, f);
            if (pictures != PASSED) {
                if (!f.isConfig()) {
                    endCatchUp(); // in step again: the shared decoder made or kept this frame's pictures
                }
                return pictures;
            }
            return behind(f);
        }

        /** A frame the shared decoder is past: decoded privately from a key frame on, else missed. */
        private List<DecodedPicture> behind(Frame f) {
            if (catchUp != null && catchUp.codec() != f.codec()) {
                endCatchUp();
            }
            if (catchUp == null) {
                if (!f.isKeyframe()) {
                    missed++;
                    return List.of();
                }
                catchUp = new VideoDecoder(f.codec(), null, 1);
            }
            long errorsBefore = catchUp.errors();
            List<DecodedPicture> pictures;
            try {
                if (catchUpFrames == 0 && config != null && config.codec() == f.codec()) {
                    catchUp.decode(config).forEach(DecodedPicture::close);
                }
                pictures = catchUp.decode(f);
            } catch (RuntimeException e) {
                endCatchUp(); // a config it cannot open: as the shared decoder does, the next key frame tries anew
                throw e;
            }
            catchUpFrames++;
            caughtUp++;
            if (catchUp.errors() > errorsBefore) {
                errors++;
            }
            return pictures;
        }

        private void endCatchUp() {
            if (catchUp != null) {
                catchUp.close();
                catchUp = null;
                catchUpFrames = 0;
            }
        }

        /** Frames whose pictures this consumer took from another one's decode. */
        public long taken() { return taken; }

        /** Frames this consumer got no picture for (it fell behind the shared decoder mid-GOP). */
        public long missed() { return missed; }

        /** Frames this consumer decoded privately to catch up with the shared decoder (joined mid-stream, or lagged). */
        public long caughtUp() { return caughtUp; }

        /** Frames decoded for all consumers of this source so far. */
        public long decodes() {
            synchronized (shared) {
                return shared.decodes;
            }
        }

        /** Frames of this consumer's the decoder failed on (skipped; decoding goes on at the next key frame). */
        public long errors() { return errors; }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                endCatchUp();
                shared.release();
            }
        }
    }
}
