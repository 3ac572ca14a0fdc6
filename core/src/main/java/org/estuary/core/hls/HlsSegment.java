package org.estuary.core.hls;

import java.util.ArrayList;
import java.util.List;

/** One media segment of the playlist window; open (still growing) until the segmenter completes it. */
public final class HlsSegment {
    private final long sequence;
    private final String uri;
    private final String initUri;
    private final boolean discontinuity;
    private long programDateTimeMs;
    private final List<HlsPart> parts = new ArrayList<>();
    private double durationSec;
    private boolean complete;

    HlsSegment(long sequence, String uri, String initUri, boolean discontinuity, long programDateTimeMs) {
        this.sequence = sequence;
        this.uri = uri;
        this.initUri = initUri;
        this.discontinuity = discontinuity;
        this.programDateTimeMs = programDateTimeMs;
    }

    public long sequence() { return sequence; }
    public String uri() { return uri; }
    /** The fMP4 init segment this segment needs, or null for MPEG-TS. */
    public String initUri() { return initUri; }
    public boolean discontinuity() { return discontinuity; }
    /** Wall clock (epoch ms) when the segment's first frame was live at the server (see HlsSegmenter). */
    public long programDateTimeMs() { return programDateTimeMs; }
    public List<HlsPart> parts() { return parts; }
    public double durationSec() { return durationSec; }
    public boolean complete() { return complete; }

    void addPart(HlsPart p) {
        parts.add(p);
    }

    void dropParts() {
        parts.clear();
    }

    void programDateTime(long epochMs) {
        this.programDateTimeMs = epochMs;
    }

    void complete(double duration) {
        this.durationSec = duration;
        this.complete = true;
    }
}
