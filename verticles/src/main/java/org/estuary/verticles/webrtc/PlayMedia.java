package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.webrtc.H264Packetizer;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.Rtx;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.Vp8Packetizer;
import org.estuary.core.webrtc.Vp9Packetizer;

/**
 * A browser playing a Stream (WHEP, playStream): H.264 access units packetised (STAP-A for SPS/PPS,
 * FU-A for large NAL units) or VP8 frames (RFC 7741, a WebRTC publisher's), Opus from {@link OpusFeeds} (a WebRTC publisher's packets as they are, else the stream's
 * shared AAC transcoder), SRTP-protected and sent; RTCP
 * sender reports for lip sync; NACKed packets retransmitted from a buffer of the last packets sent
 * (on an RTX stream, RFC 4588, when the browser offered one);
 * PLI/FIR forwarded to a WebRTC publisher of the stream (other sources send key frames on their
 * own schedule; a new player starts at the stream's cached GOP anyway). A source with B-frames,
 * which browsers' WebRTC decoders do not reorder, is played from its shared baseline copy
 * ({@link BaselineFeeds}) while its audio still comes from the source. Event-loop only.
 *
 * <p>It reads the stream through a {@link StreamFollower} of the one publication its SDP answer was
 * made for ({@code StreamFollower.of(stream)}): the reader is attached at DTLS connect (so it starts
 * at the cached GOP), and the player ends with that publication. A publication that ended between
 * the offer and the DTLS connect ends the player at once, as before the follower, rather than being
 * waited for: the next publication of the name may carry codecs this session never negotiated.
 */
final class PlayMedia implements SessionMedia {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlayMedia.class);
    private static final int MAX_PAYLOAD = 1150; // RTP payload; + 12 header + 16 SRTP tag stays under 1200
    private static final int HISTORY = 1024;
    /**
     * How long a sent packet is kept for NACKs. A browser asks again within about a round trip and
     * gives a packet up once its jitter buffer has moved on (well under a second); keeping the last
     * 1,024 packets whatever their age held ~17 s of video per player at 600 kbit/s: 1.2 MB each,
     * promoted to the old generation and moved by every full GC (a quarter of the server's CPU with
     * 150 players, issue 12's profile). Older packets are dropped as new ones are sent.
     */
    static final long HISTORY_MS = 1500;
    /**
     * Frames sent per event-loop turn. A new player starts with the stream's cached GOP (up to a
     * few seconds of video at once): sent in one go it held the loop, and every other session on
     * it, for seconds under load. The rest of the queue follows on the next turn.
     */
    static final int FRAMES_PER_TURN = 6;

    private final Stream stream;
    private final Context context;
    private final String sessionId;
    private final String ownerId;
    private final Consumer<byte[]> sendRaw;
    private final Consumer<byte[]> sendRtcp;
    private final Runnable keyframeUpstream;
    private final WebRtcCounters counters;
    private final OpusFeeds opusFeeds;
    private final BaselineFeeds baselineFeeds;
    private Runnable leaveOpus = () -> { };
    private final VideoFeeds videoFeeds;
    /** Leaves the publisher's VP8 feed; null while the video comes from the stream */
    private Runnable leaveFeed;
    private boolean feedKeyframeSeen;
    /** Reads the baseline copy of a source with B-frames; null while the source's own video is sent. */
    private StreamReader baselineReader;
    /** The source has B-frames: its own H.264 is no longer sent (the baseline copy's is). */
    private boolean baseline;
    private boolean baselineAcquired;
    private final H264Packetizer packetizer = new H264Packetizer(MAX_PAYLOAD);
    private final Vp8Packetizer vp8Packetizer;
    private final Vp9Packetizer vp9Packetizer;
    private final org.estuary.core.webrtc.Av1Packetizer av1Packetizer;
    /** What the player's video line carries (the stream's codec): H.264 or VP8. */
    private Codec videoCodec;
    private final Out video;
    private final Out audio;
    private final StreamFollower follower;
    /** Where the follower hands the stream's frames: at most {@link #FRAMES_PER_TURN} per pass. */
    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(Frame f, Stream source) {
            turn++;
            PlayMedia.this.frame(f);
        }

        @Override
        public boolean wants() {
            return turn < FRAMES_PER_TURN;
        }
    };
    private int turn;
    /** The publication ended (every frame sent) or had ended before the DTLS connect. */
    private boolean ended;
    private boolean released;
    private SrtpTransform srtp;
    private List<byte[]> parameterSets = List.of();
    private long originStreamUs = Long.MIN_VALUE;
    private long originWallMs;
    private long lastSrMs;
    private boolean closed;
    private long retransmitted;
    private long paced;

    /** One outgoing RTP stream (video or audio) with its NACK history. */
    private static final class Out {
        final long ssrc;
        final int pt;
        final int clockRate;
        final long tsBase;
        int seq;
        long firstUs = Long.MIN_VALUE;
        long packets;
        long octets;
        /** SRTP packets as sent; plain RTP packets when resends go on RTX (they are wrapped and encrypted anew) */
        final byte[][] history = new byte[HISTORY][];
        final int[] historySeq = new int[HISTORY];
        final long[] historyMs = new long[HISTORY];
        /** Oldest history slot that may still hold a packet; -1 until the first packet. */
        int historyTail = -1;
        /** RTX payload type (RFC 4588), -1 when the browser offered none: resends are then the same SRTP bytes */
        int rtxPt = -1;
        long rtxSsrc;
        int rtxSeq;

        Out(long ssrc, int pt, int clockRate, long tsBase, int seq) {
            this.ssrc = ssrc;
            this.pt = pt;
            this.clockRate = clockRate;
            this.tsBase = tsBase;
            this.seq = seq;
        }
    }

    PlayMedia(Stream stream, List<Negotiation.Line> lines, Context context, OpusFeeds opusFeeds, BaselineFeeds baselineFeeds,
              VideoFeeds videoFeeds,
              String sessionId,
              String ownerId, Consumer<byte[]> sendRaw, Consumer<byte[]> sendRtcp, Runnable keyframeUpstream,
              WebRtcCounters counters, java.util.Random random) {
        this.stream = stream;
        this.context = context;
        this.sessionId = sessionId;
        this.ownerId = ownerId;
        this.sendRaw = sendRaw;
        this.sendRtcp = sendRtcp;
        this.keyframeUpstream = keyframeUpstream;
        this.counters = counters;
        Out v = null;
        Out a = null;
        for (Negotiation.Line l : lines) {
            if (!l.accepted()) {
                continue;
            }
            Out o = new Out(l.sendSsrc(), l.chosen().pt(), l.chosen().clockRate(), random.nextInt() & 0xFFFFFFFFL,
                    random.nextInt(0x8000));
            if (l.codec() == Codec.H264 || PublishMedia.browserCodec(l.codec())) {
                v = o;
                videoCodec = l.codec();
                SdpOffer.PayloadType rtx = Rtx.payloadTypeFor(l.offered(), l.chosen().pt()); // as the answer says
                if (rtx != null && l.sendSsrc() >= 0) {
                    o.rtxPt = rtx.pt();
                    o.rtxSsrc = Rtx.ssrcFor(l.sendSsrc());
                    o.rtxSeq = random.nextInt(0x8000);
                }
            } else if (l.codec() == Codec.OPUS) {
                a = o;
            }
        }
        this.video = v;
        this.audio = a;
        this.opusFeeds = opusFeeds;
        this.baselineFeeds = baselineFeeds;
        this.videoFeeds = videoFeeds;
        this.vp8Packetizer = new Vp8Packetizer(MAX_PAYLOAD, random.nextInt(0x8000));
        this.vp9Packetizer = new Vp9Packetizer(MAX_PAYLOAD, random.nextInt(0x8000));
        this.av1Packetizer = new org.estuary.core.webrtc.Av1Packetizer(MAX_PAYLOAD);
        this.follower = StreamFollower.of(stream)
                .owner(r -> context.runOnContext(x -> r.run()))
                .reader(s -> new ReaderInfo(sessionId, ownerId == null || ownerId.isBlank() ? sessionId : ownerId,
                        "", "WebRTC", true))
                .onUnpublished((s, why) -> {
                    ended = true; // the engine closes the session when it sees this (tick)
                    closed = true;
                })
                .wake(() -> context.runOnContext(x -> drain()))
                .build();
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        // attach now, not at the offer: the reader then starts at the cached GOP (a key frame first)
        follower.start();
        if (PublishMedia.browserCodec(videoCodec) && video != null && videoFeeds.codec(stream) == videoCodec) {
            // a WebRTC publisher's VP8/VP9 as it arrived (the stream carries its H.264); from its next key frame
            leaveFeed = videoFeeds.subscribe(stream, sessionId, this::feedFrame); // sessionId: our reader's id
            if (leaveFeed != null) {
                keyframeUpstream.run();
            }
        }
        if (audio != null) {
            leaveOpus = opusFeeds.subscribe(stream, this::sendAudio); // a WebRTC publisher's own Opus, else AAC transcoded; neither: none
        }
        drain();
    }

    private void drain() {
        if (closed) {
            return;
        }
        turn = 0;
        if (follower.drain(sink) == FRAMES_PER_TURN) {
            paced();
            context.runOnContext(x -> drain()); // more may be queued: yield to the loop's other work first
        }
    }

    /** A frame of the publisher's VP8 feed: sent from the first key frame on. */
    private void feedFrame(Frame f) {
        if (closed || srtp == null || (!feedKeyframeSeen && !f.isKeyframe())) {
            return;
        }
        feedKeyframeSeen = true;
        video(f);
    }

    private void drainBaseline() {
        if (!closed && baselineReader != null && drainBaseline(baselineReader)) {
            context.runOnContext(x -> drainBaseline());
        }
    }

    /** Sends up to {@link #FRAMES_PER_TURN} video frames of the baseline copy; true when cut short (more may wait). */
    private boolean drainBaseline(StreamReader r) {
        r.beginDrain();
        Frame f;
        int n = 0;
        while (n < FRAMES_PER_TURN && (f = r.poll()) != null) {
            if (f.codec() == Codec.H264) {
                video(f);
            }
            n++;
        }
        if (n == FRAMES_PER_TURN) {
            paced();
            return true;
        }
        return false;
    }

    private void paced() {
        paced++;
        counters.pacedTurns.increment();
    }

    /** The publication ended and every frame was sent (or it had ended before the DTLS connect). */
    boolean streamEnded() {
        return ended;
    }

    /** A frame of the stream itself. */
    private void frame(Frame f) {
        if (f.codec() == Codec.H264 && videoCodec == Codec.H264 && !baseline && hasBFrames(f)) {
            useBaselineCopy();
        }
        if (f.codec() == Codec.H264 && baseline) {
            return; // the baseline copy's video is sent instead
        }
        video(f);
        // AAC: the stream's shared Opus feed sends this player's audio
    }

    /**
     * B-frames: an SPS allowing reordering (VUI max_num_reorder_frames > 0) or a frame presented
     * later than it is decoded.
     */
    private static boolean hasBFrames(Frame f) {
        if (!f.isConfig()) {
            return f.ctsUs() != 0;
        }
        try {
            for (byte[] sps : AvcConfig.parse(f.payload()).sps()) {
                if (H264Sps.parse(sps).reorderFrames() > 0) {
                    return true;
                }
            }
        } catch (Exception e) {
            // unreadable: the frames' times still tell
        }
        return false;
    }

    /** From now on the video comes from the shared baseline copy of the stream ({@link BaselineFeeds}). */
    private void useBaselineCopy() {
        baseline = true;
        parameterSets = List.of();
        baselineAcquired = true;
        baselineFeeds.acquire(stream).onComplete(ar -> context.runOnContext(x -> {
            if (closed) {
                return;
            }
            if (ar.failed()) {
                LOG.warn("WebRTC {}: {} has B-frames and no baseline copy could start ({}): sending it as it is",
                        sessionId, stream.name(), ar.cause().getMessage());
                baseline = false;
                return;
            }
            LOG.info("WebRTC {}: {} has B-frames; playing its baseline copy {}", sessionId, stream.name(), ar.result().name());
            baselineReader = ar.result().addReader(new ReaderInfo(sessionId + "-baseline", ownerId == null || ownerId.isBlank()
                    ? sessionId : ownerId, "", "WebRTC", true), () -> context.runOnContext(y -> drainBaseline()));
            drainBaseline();
        }));
    }

    private void video(Frame f) {
        if (f.isConfig()) {
            if (f.codec() == Codec.H264) {
                try {
                    AvcConfig c = AvcConfig.parse(f.payload());
                    List<byte[]> ps = new ArrayList<>(c.sps());
                    ps.addAll(c.pps());
                    parameterSets = List.copyOf(ps);
                } catch (Exception e) {
                    parameterSets = List.of();
                }
            }
            return;
        }
        if (originStreamUs == Long.MIN_VALUE && !f.isData()) {
            originStreamUs = f.dtsUs();
            originWallMs = System.currentTimeMillis();
        }
        if (video != null && f.codec() == videoCodec) {
            List<byte[]> payloads = f.codec() == Codec.VP8 ? vp8Packetizer.packetize(f.payload())
                    : f.codec() == Codec.VP9 ? vp9Packetizer.packetize(f.payload())
                    : f.codec() == Codec.AV1 ? av1Packetizer.packetize(f.payload(), f.isKeyframe())
                    : packetizer.packetize(f.payload(), f.isKeyframe() ? parameterSets : List.of());
            for (int i = 0; i < payloads.size(); i++) {
                send(video, f.dtsUs(), payloads.get(i), i == payloads.size() - 1);
            }
        }
    }

    private void sendAudio(long ptsUs, byte[] unit) {
        if (!closed && srtp != null) {
            send(audio, ptsUs, unit, true);
        }
    }

    private long rtpTime(Out o, long us) {
        if (o.firstUs == Long.MIN_VALUE) {
            o.firstUs = us;
        }
        return (o.tsBase + (us - o.firstUs) * o.clockRate / 1_000_000L) & 0xFFFFFFFFL;
    }

    private void send(Out o, long us, byte[] payload, boolean marker) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | o.pt);
        int seq = o.seq;
        o.seq = (o.seq + 1) & 0xFFFF;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        long ts = rtpTime(o, us);
        put32(p, 4, ts);
        put32(p, 8, o.ssrc);
        System.arraycopy(payload, 0, p, 12, payload.length);
        byte[] s = srtp.protectRtp(p, p.length);
        if (s == null) {
            counters.srtpFailures.increment();
            return;
        }
        long now = System.currentTimeMillis();
        if (o.historyTail < 0) {
            o.historyTail = seq % HISTORY; // packets fill the ring from here on, one slot each
        }
        forgetOld(o, now);
        o.history[seq % HISTORY] = o.rtxPt >= 0 ? p : s;
        o.historySeq[seq % HISTORY] = seq;
        o.historyMs[seq % HISTORY] = now;
        o.packets++;
        o.octets += payload.length;
        sendRaw.accept(s);
    }

    /** Drops the packets older than {@link #HISTORY_MS} from the NACK history (oldest first). */
    private static void forgetOld(Out o, long now) {
        int t = o.historyTail;
        while (o.history[t] != null && now - o.historyMs[t] > HISTORY_MS) {
            o.history[t] = null;
            t = (t + 1) % HISTORY;
        }
        o.historyTail = t;
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        counters.unknownSsrc.increment(); // a player sends no media
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        for (RtcpFeedback.Request r : RtcpFeedback.parse(pkt, len)) {
            Out o = video != null && r.mediaSsrc() == video.ssrc ? video : audio != null && r.mediaSsrc() == audio.ssrc ? audio : null;
            if (o == null) {
                continue;
            }
            switch (r.kind()) {
                case NACK -> {
                    for (int seq : r.lostSequences()) {
                        byte[] s = o.history[seq % HISTORY];
                        if (s != null && o.historySeq[seq % HISTORY] == seq) {
                            resend(o, s);
                        }
                    }
                }
                case PLI, FIR -> keyframeUpstream.run();
                default -> { }
            }
        }
    }

    /** A NACKed packet again: on RTX, else the same SRTP bytes (no second encryption of one index). */
    private void resend(Out o, byte[] kept) {
        if (o.rtxPt < 0) {
            retransmitted++;
            counters.retransmitted.increment();
            sendRaw.accept(kept);
            return;
        }
        byte[] rtx = Rtx.wrap(kept, kept.length, o.rtxPt, o.rtxSeq, o.rtxSsrc);
        o.rtxSeq = (o.rtxSeq + 1) & 0xFFFF;
        byte[] s = rtx == null ? null : srtp.protectRtp(rtx, rtx.length);
        if (s == null) {
            counters.srtpFailures.increment();
            return;
        }
        retransmitted++;
        counters.retransmitted.increment();
        counters.rtxSent.increment();
        sendRaw.accept(s);
    }

    long retransmitted() {
        return retransmitted;
    }

    /** Drain passes cut short to let the event loop breathe (GOP seeds, bursts). */
    long pacedTurns() {
        return paced;
    }

    @Override
    public void tick(long nowMs) {
        if (srtp == null || originStreamUs == Long.MIN_VALUE || nowMs - lastSrMs < 1000) {
            return;
        }
        lastSrMs = nowMs;
        long streamUsNow = originStreamUs + (nowMs - originWallMs) * 1000;
        for (Out o : new Out[] {video, audio}) {
            if (o != null && o.firstUs != Long.MIN_VALUE) {
                long ts = (o.tsBase + (streamUsNow - o.firstUs) * o.clockRate / 1_000_000L) & 0xFFFFFFFFL;
                sendRtcp.accept(RtcpFeedback.senderReport(o.ssrc, RtcpFeedback.ntp(nowMs), ts, o.packets, o.octets));
            }
        }
    }

    @Override
    public void close(String reason) {
        if (released) {
            return;
        }
        released = true;
        closed = true;
        leaveOpus.run();
        if (leaveFeed != null) {
            leaveFeed.run();
            leaveFeed = null;
        }
        follower.stop();
        if (baselineReader != null) {
            baselineReader.close();
            baselineReader = null;
        }
        if (baselineAcquired) {
            baselineAcquired = false;
            baselineFeeds.release(stream);
        }
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
