package org.estuary.core.stream;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Frame;

/**
 * The frames since the last video keyframe, so a new reader starts with a decodable picture at
 * once. Owned by the publisher thread. Bounded in frames and bytes: a GOP that outgrows the bounds
 * is dropped and new readers then wait for the next keyframe instead.
 */
final class GopCache {
    private final int maxFrames;
    private final long maxBytes;
    private final List<Frame> frames = new ArrayList<>();
    private long bytes;
    private boolean usable;
    private boolean hadVideo;

    GopCache(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    void add(Frame f, boolean streamHasVideo) {
        if (f.isConfig() || f.isData()) {
            return;
        }
        if (streamHasVideo && !hadVideo) {
            // The stream just learnt it has video (a browser's first key frame described it, or its
            // first video frame came after audio): what was usable as audio-only is not a start
            // point any more. Without this, audio kept piling up here until the first video key
            // frame, and a reader joining before it got seconds of audio in one burst.
            hadVideo = true;
            clear();
        }
        if (f.isVideo() && f.isKeyframe()) {
            frames.clear();
            bytes = 0;
            usable = true;
        } else if (!streamHasVideo) {
            // Audio-only: any frame is a start point; keep nothing so readers start live.
            usable = true;
            return;
        }
        if (!usable) {
            return;
        }
        if (frames.size() >= maxFrames || bytes + f.size() > maxBytes) {
            frames.clear();
            bytes = 0;
            usable = false;
            return;
        }
        frames.add(f);
        bytes += f.size();
    }

    boolean usable() {
        return usable;
    }

    List<Frame> frames() {
        return frames;
    }

    int size() {
        return frames.size();
    }

    void clear() {
        frames.clear();
        bytes = 0;
        usable = false;
    }
}
