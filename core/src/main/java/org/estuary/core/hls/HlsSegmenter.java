package org.estuary.core.hls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.estuary.core.cmaf.CmafMuxer;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mpegts.TsMuxer;

/**
 * Cuts one stream into HLS segments (and LL-HLS parts) and keeps the sliding playlist window.
 *
 * <p>Segments start on a video keyframe once the open segment reached the target duration
 * (audio-only: on any frame). Classic mode writes MPEG-TS segments; low-latency mode writes
 * fMP4 parts of about the part target and a segment that is the concatenation of its parts.
 *
 * <p>When the source ends and a new publisher takes the name, {@link #sourceEnded()} closes the
 * open segment; the next segment carries a discontinuity and timestamps are shifted to continue
 * where the old ones stopped, so media sequence numbers and the timeline only ever rise.
 * Single-threaded: call everything from the owner's thread.
 */
public final class HlsSegmenter {
    /** Keyframes this close before the target still cut (timestamps in ms jitter around GOP ends). */
    private static final long CUT_TOLERANCE_US = 50_000;
    /**
     * A low-latency cut waits for the other track (audio arrives interleaved, a little after the
     * video frame that decides the cut) at most this far past the cut point, then cuts anyway.
     */
    private static final long CUT_WAIT_US = 200_000;

    private final HlsSettings settings;
    private final HlsSink sink;
    private final List<HlsSegment> window = new ArrayList<>();
    private final java.util.ArrayDeque<Retired> retired = new java.util.ArrayDeque<>();

    private Frame videoConfig;
    private Frame audioConfig;
    private boolean started;
    private Codec videoCodec;
    private TsMuxer ts;
    private CmafMuxer cmaf;
    private String codecs = "";
    private int width;
    private int height;
    private int initIndex = -1;
    private String initUri;

    private boolean pendingDiscontinuity;
    private boolean needsOffset;
    private long offsetUs;
    private long lastDtsUs = Long.MIN_VALUE;
    private long lastVideoDtsUs = Long.MIN_VALUE;
    private long frameDurationUs = 33_333;
    /**
     * Smallest (arrival wall clock - decode time) seen from this source, in microseconds: the frames
     * that arrived live. Frames replayed from the hub's GOP cache arrive late in a burst and would
     * otherwise date the first segment too late.
     */
    private long wallOffsetUs = Long.MAX_VALUE;

    private HlsSegment open;
    private long segmentStartUs;
    private long partStartUs;
    private boolean partIndependent;
    private final List<byte[]> openParts = new ArrayList<>();
    /** Low latency: start of the newest listed part a player can start decoding at, and the listed edge. */
    private long independentStartUs = Long.MIN_VALUE;
    private long edgeUs = Long.MIN_VALUE;
    /** The open part starts at a frame that arrived live (not replayed from the hub's GOP cache). */
    private boolean partStartLive;
    /** Low latency: a segment or part cut decided at a video frame, made once every track reached it. */
    private Cut deferred;
    private long nextSequence;
    private long discontinuitySequence;
    // the last media playlist rendered and what it was rendered from (see mediaPlaylist)
    private String rendered;
    private HlsSegment renderedLast;
    private HlsSegment renderedOpen;
    private long renderedFirst;
    private int renderedLastParts;
    private boolean renderedLastComplete;
    private int renderedSize;
    private long renderedDiscontinuity;
    private int renderedTarget;
    private int targetDurationSec;
    private long segmentsMade;
    private boolean sequencesFromMediaTime;
    private boolean numberFromTime;

    private record Cut(long atUs, boolean segment, boolean independent, long nowMs) { }

    public HlsSegmenter(HlsSettings settings, HlsSink sink) {
        this.settings = settings;
        this.sink = sink;
        this.targetDurationSec = (int) Math.ceil(settings.targetDurationUs() / 1e6);
    }

    /**
     * Numbers segments by media time instead of counting from 0: the first segment gets
     * {@code start / target duration}, the next ones follow one by one, and a key frame that enters
     * a new target-duration slot of media time always cuts (so a short first segment ends on the
     * grid). Renditions of one source whose key frames sit on that grid then give the same segment
     * the same media sequence number and start, so players switch between them by number.
     */
    public HlsSegmenter sequencesFromMediaTime() {
        sequencesFromMediaTime = true;
        return this;
    }

    /** The target-duration slot of a media time (the segment number it belongs to when numbering by time). */
    private long slotOf(long us) {
        return Math.floorDiv(us + CUT_TOLERANCE_US, settings.targetDurationUs());
    }

    /** True for codecs HLS carries here (others are skipped). */
    public static boolean carries(Codec c) {
        return c == Codec.H264 || c == Codec.H265 || c == Codec.AAC;
    }

    /**
     * One frame from the source.
     *
     * @param nowMs wall clock at arrival, for EXT-X-PROGRAM-DATE-TIME
     */
    public void feed(Frame f, long nowMs) throws CodecConfigException {
        if (!carries(f.codec())) {
            return;
        }
        if (f.isConfig()) {
            configure(f);
            return;
        }
        if (!started) {
            if (!start(f)) {
                return;
            }
            if (needsOffset) {
                offsetUs = lastDtsUs == Long.MIN_VALUE ? 0 : lastDtsUs + frameDurationUs - f.dtsUs();
                needsOffset = false;
            }
            Frame first = shift(f);
            noteArrival(first, nowMs);
            numberFromTime = true;
            openSegment(first.dtsUs(), nowMs, true);
            partStartLive = false; // the first frames a reader gets are the hub's GOP cache
            write(first);
            noteVideo(first);
            return;
        }
        Frame g = shift(f);
        noteArrival(g, nowMs);
        long dts = g.dtsUs();
        boolean video = videoCodec != null;
        boolean cutSegment;
        boolean cutPart = false;
        if (video) {
            if (!g.isVideo()) {
                write(g);
                if (deferred != null) {
                    makeDeferredCut(dts, false);
                }
                return;
            }
            cutSegment = g.isKeyframe() && (dts - segmentStartUs >= settings.targetDurationUs() - CUT_TOLERANCE_US
                    || sequencesFromMediaTime && slotOf(dts) > slotOf(segmentStartUs));
            if (!cutSegment && settings.lowLatency()) {
                cutPart = dts + frameDurationUs - partStartUs > settings.partTargetUs() && dts > partStartUs;
            }
        } else {
            cutSegment = dts - segmentStartUs >= settings.targetDurationUs();
            if (!cutSegment && settings.lowLatency()) {
                cutPart = dts - partStartUs >= settings.partTargetUs() - 10_000;
            }
        }
        boolean independent = !video || g.isKeyframe();
        if (settings.lowLatency()) {
            // add first: the new frame fixes its predecessor's duration, and stays pending for the next part
            cmaf.add(g);
            if (deferred != null) {
                makeDeferredCut(dts, cutSegment);
                if (deferred == null && !cutSegment) {
                    // the cut just made moved the part start: decide this frame's part cut afresh
                    cutPart = video && dts + frameDurationUs - partStartUs > settings.partTargetUs() && dts > partStartUs;
                }
            }
            if (deferred == null && (cutSegment || cutPart)) {
                // cut once every track reached this frame, so that a part's audio ends where its video does
                deferred = new Cut(dts, cutSegment, independent, nowMs);
                makeDeferredCut(dts, false);
            }
        } else {
            if (cutSegment) {
                completeSegment(dts, true);
                openSegment(dts, nowMs, true);
                sink.changed();
            }
            ts.write(g);
        }
        noteVideo(g);
    }

    /** Makes the pending cut when every track reached it, when waiting longer would hurt, or when {@code force}. */
    private void makeDeferredCut(long latestDtsUs, boolean force) {
        Cut c = deferred;
        if (!force && !cmaf.reached(c.atUs()) && latestDtsUs - c.atUs() < CUT_WAIT_US) {
            return;
        }
        deferred = null;
        // a replayed frame arrived long after the live ones relative to its timestamp
        boolean live = wallOffsetUs != Long.MAX_VALUE && c.nowMs() * 1000 - c.atUs() - wallOffsetUs < 300_000;
        if (c.segment()) {
            completeSegment(c.atUs(), c.independent());
            openSegment(c.atUs(), c.nowMs(), c.independent());
        } else {
            cutPart(c.atUs(), c.independent());
        }
        partStartLive = live;
        sink.changed();
    }

    /** The source stopped: close the open segment; what comes next is a discontinuity. */
    public void sourceEnded() {
        if (started && open != null) {
            long end = lastDtsUs + frameDurationUs;
            deferred = null;
            if (settings.lowLatency()) {
                cmaf.flushPending();
            }
            completeSegment(end, true);
            lastDtsUs = end - frameDurationUs;
            independentStartUs = Long.MIN_VALUE;
        }
        open = null;
        started = false;
        pendingDiscontinuity = segmentsMade > 0;
        needsOffset = true;
        wallOffsetUs = Long.MAX_VALUE;
        videoConfig = null;
        audioConfig = null;
        sink.changed();
    }

    private void configure(Frame f) {
        Frame current = f.isVideo() ? videoConfig : audioConfig;
        if (current != null && Arrays.equals(current.payload(), f.payload())) {
            return;
        }
        boolean relevant = f.isVideo() ? (videoCodec != null || !started) : true;
        if (started && relevant) {
            // new codec parameters: a new init segment (fMP4) and a discontinuity
            restartOutput();
        }
        if (f.isVideo()) {
            videoConfig = f;
        } else {
            audioConfig = f;
        }
    }

    private void restartOutput() {
        long end = lastDtsUs + frameDurationUs;
        deferred = null;
        if (open != null) {
            if (settings.lowLatency()) {
                cmaf.flushPending();
            }
            completeSegment(end, true);
            open = null;
            sink.changed();
        }
        started = false;
        pendingDiscontinuity = true;
        needsOffset = false;
    }

    /** Builds the muxer on the first usable frame; false if this frame cannot start a segment. */
    private boolean start(Frame f) throws CodecConfigException {
        if (videoConfig != null) {
            if (!f.isVideo() || !f.isKeyframe() || f.codec() != videoConfig.codec()) {
                return false; // wait for a decodable picture
            }
        } else if (!f.isAudio() || audioConfig == null) {
            return false;
        }
        videoCodec = videoConfig == null ? null : videoConfig.codec();
        if (settings.lowLatency()) {
            cmaf = new CmafMuxer(videoConfig, audioConfig);
            codecs = cmaf.codecs();
            width = cmaf.width();
            height = cmaf.height();
            initIndex++;
            initUri = "init-" + initIndex + ".mp4";
            sink.put(initUri, cmaf.initSegment(), false);
        } else {
            ts = new TsMuxer(videoCodec, audioConfig != null);
            CmafMuxer probe = new CmafMuxer(videoConfig, audioConfig); // only for codec strings and size
            codecs = probe.codecs();
            width = probe.width();
            height = probe.height();
            if (videoConfig != null) {
                ts.write(videoConfig);
            }
            if (audioConfig != null) {
                ts.write(audioConfig);
            }
        }
        started = true;
        return true;
    }

    private Frame shift(Frame f) {
        if (offsetUs == 0) {
            return f;
        }
        return Frame.media(f.codec(), f.dtsUs() + offsetUs, f.ptsUs() + offsetUs, f.isKeyframe(), f.payload());
    }

    private void noteArrival(Frame g, long nowMs) {
        long off = nowMs * 1000 - g.dtsUs();
        if (off < wallOffsetUs) {
            wallOffsetUs = off;
        }
    }

    private long wallClockMs(long dtsUs) {
        return wallOffsetUs == Long.MAX_VALUE ? 0 : (dtsUs + wallOffsetUs) / 1000;
    }

    private void noteVideo(Frame g) {
        if (g.dtsUs() > lastDtsUs) {
            lastDtsUs = g.dtsUs();
        }
        if (g.isVideo() || videoCodec == null) {
            if (lastVideoDtsUs != Long.MIN_VALUE) {
                long d = g.dtsUs() - lastVideoDtsUs;
                if (d > 0 && d < 1_000_000) {
                    frameDurationUs = d;
                }
            }
            lastVideoDtsUs = g.dtsUs();
        }
    }

    private void write(Frame g) throws CodecConfigException {
        if (settings.lowLatency()) {
            cmaf.add(g);
        } else {
            ts.write(g);
        }
    }

    private void openSegment(long startUs, long nowMs, boolean independent) {
        long seq = nextSequence;
        if (sequencesFromMediaTime && numberFromTime) {
            // only where numbering (re)starts: later numbers must follow one by one (players count them)
            seq = Math.max(seq, slotOf(startUs));
        }
        numberFromTime = false;
        nextSequence = seq + 1;
        boolean ll = settings.lowLatency();
        open = new HlsSegment(seq, seq + (ll ? ".m4s" : ".ts"), ll ? initUri : null, pendingDiscontinuity, nowMs);
        pendingDiscontinuity = false;
        segmentStartUs = startUs;
        partStartUs = startUs;
        partIndependent = independent;
        openParts.clear();
        window.add(open);
        if (!ll) {
            ts.startSegment();
        }
    }

    private void cutPart(long cutUs, boolean nextIndependent) {
        byte[] bytes = cmaf.flushFragment(cutUs);
        if (bytes != null) {
            String name = open.sequence() + "." + open.parts().size() + ".m4s";
            sink.put(name, bytes, false);
            openParts.add(bytes);
            open.addPart(new HlsPart(name, Math.max(0, cutUs - partStartUs) / 1e6, partIndependent));
            if (partIndependent && partStartLive) {
                independentStartUs = partStartUs;
            }
            edgeUs = cutUs;
        }
        partStartUs = cutUs;
        partIndependent = nextIndependent;
    }

    private void completeSegment(long endUs, boolean nextIndependent) {
        byte[] bytes;
        if (settings.lowLatency()) {
            cutPart(endUs, nextIndependent);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] p : openParts) {
                all.writeBytes(p);
            }
            bytes = all.toByteArray();
            openParts.clear();
        } else {
            bytes = ts.finishSegment();
        }
        double duration = Math.max(0, endUs - segmentStartUs) / 1e6;
        sink.put(open.uri(), bytes, true);
        open.programDateTime(wallClockMs(segmentStartUs));
        open.complete(duration);
        segmentsMade++;
        targetDurationSec = Math.max(targetDurationSec, (int) Math.round(duration));
        open = null;
        trim(endUs);
    }

    private void trim(long nowUs) {
        int complete = 0;
        for (HlsSegment s : window) {
            if (s.complete()) {
                complete++;
            }
        }
        while (complete > settings.windowSegments()) {
            HlsSegment gone = window.remove(0);
            complete--;
            if (gone.discontinuity()) {
                discontinuitySequence++;
            }
            retire(gone.uri(), gone.durationSec(), nowUs);
            dropParts(gone, nowUs);
            if (gone.initUri() != null && window.stream().noneMatch(s -> gone.initUri().equals(s.initUri()))
                    && !gone.initUri().equals(initUri)) {
                retire(gone.initUri(), gone.durationSec(), nowUs);
            }
        }
        // parts are only listed for the last few segments
        int keep = settings.segmentsWithParts();
        int seen = 0;
        for (int i = window.size() - 1; i >= 0; i--) {
            HlsSegment s = window.get(i);
            if (!s.complete()) {
                continue;
            }
            if (++seen > keep) {
                dropParts(s, nowUs);
            }
        }
        while (!retired.isEmpty() && retired.peekFirst().dueUs() <= nowUs) {
            sink.remove(retired.pollFirst().uri());
        }
    }

    private void dropParts(HlsSegment s, long nowUs) {
        for (HlsPart p : s.parts()) {
            retire(p.uri(), p.durationSec(), nowUs);
        }
        s.dropParts();
    }

    /**
     * A file that left the playlist stays in the sink for its own duration plus the playlist's
     * (RFC 8216 §6.2.2; the same holds for partial segments), in media time: a viewer that read
     * a playlist listing it just before, or fell a little behind, still gets it instead of a 404.
     */
    private void retire(String uri, double durationSec, long nowUs) {
        double playlistSec = 0;
        for (HlsSegment s : window) {
            playlistSec += s.durationSec();
        }
        retired.add(new Retired(uri, nowUs + (long) ((durationSec + playlistSec) * 1e6)));
    }

    /** A file out of the playlist and when (media time) it may be removed. */
    private record Retired(String uri, long dueUs) { }

    // ---- playlist state ----

    public String mediaPlaylist() {
        // Every viewer polls the playlist once per target duration (LL-HLS: once per part), and it
        // changes only at the window's ends: render it once per change, not once per request.
        HlsSegment last = window.isEmpty() ? null : window.get(window.size() - 1);
        long first = window.isEmpty() ? -1 : window.get(0).sequence();
        int lastParts = last == null ? 0 : last.parts().size();
        boolean lastComplete = last != null && last.complete();
        if (rendered == null || renderedLast != last || renderedFirst != first || renderedLastParts != lastParts
                || renderedLastComplete != lastComplete || renderedSize != window.size()
                || renderedDiscontinuity != discontinuitySequence || renderedTarget != targetDurationSec
                || renderedOpen != open) {
            rendered = PlaylistWriter.media(window, discontinuitySequence, targetDurationSec, settings, preloadHint());
            renderedLast = last;
            renderedFirst = first;
            renderedLastParts = lastParts;
            renderedLastComplete = lastComplete;
            renderedSize = window.size();
            renderedDiscontinuity = discontinuitySequence;
            renderedTarget = targetDurationSec;
            renderedOpen = open;
        }
        return rendered;
    }

    /** URI of the part that will come next (low latency), or null. */
    public String preloadHint() {
        if (!settings.lowLatency() || open == null) {
            return null;
        }
        return open.sequence() + "." + open.parts().size() + ".m4s";
    }

    /** True once the playlist lists a complete segment {@code msn} (or a later one). */
    public boolean hasSegment(long msn) {
        for (int i = window.size() - 1; i >= 0; i--) {
            HlsSegment s = window.get(i);
            if (s.complete()) {
                return s.sequence() >= msn;
            }
        }
        return false;
    }

    /** True once part {@code part} of segment {@code msn} (or anything later) is listed. */
    public boolean hasPart(long msn, int part) {
        if (open != null) {
            if (open.sequence() > msn) {
                return true;
            }
            if (open.sequence() == msn) {
                return open.parts().size() > part;
            }
        }
        return hasSegment(msn + 1) || (hasSegment(msn) && part < 0);
    }

    /** The sequence number the next segment will get (the open one's, when open). */
    public long nextSequence() {
        return open != null ? open.sequence() : nextSequence;
    }

    /**
     * True when a player that starts PART-HOLD-BACK behind the live edge finds an independent part
     * at or before that point within the parts listed since the newest one (low latency; classic:
     * {@link #hasContent()}). Serving a newly started agent's first playlist only then makes the
     * first viewer start from live parts at the edge instead of from the replayed GOP-cache segment.
     */
    public boolean startableAtLiveEdge() {
        if (!hasContent()) {
            return false;
        }
        if (!settings.lowLatency()) {
            return true;
        }
        return independentStartUs != Long.MIN_VALUE && edgeUs - independentStartUs >= 3 * settings.partTargetUs() - 10_000;
    }

    /** True when at least one segment is complete (a playlist is worth serving). */
    public boolean hasContent() {
        return window.stream().anyMatch(HlsSegment::complete);
    }

    public List<HlsSegment> window() {
        return List.copyOf(window);
    }

    public long discontinuitySequence() { return discontinuitySequence; }
    public int targetDurationSec() { return targetDurationSec; }
    public String codecs() { return codecs; }
    public int width() { return width; }
    public int height() { return height; }
    public boolean lowLatency() { return settings.lowLatency(); }
    public HlsSettings settings() { return settings; }

    /** Average bits per second over the complete segments in the window (for BANDWIDTH). */
    public long bandwidthEstimate(java.util.function.ToLongFunction<String> sizeOf) {
        double seconds = 0;
        long bytes = 0;
        for (HlsSegment s : window) {
            if (s.complete()) {
                seconds += s.durationSec();
                bytes += sizeOf.applyAsLong(s.uri());
            }
        }
        return seconds <= 0 ? 0 : (long) (bytes * 8 / seconds);
    }
}
