package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.Rtx;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.SharedH264Packets;
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
    static final int MAX_PAYLOAD = 1150; // RTP payload; + 12 header + 16 SRTP tag stays under 1200
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
    private final ObjIntConsumer<byte[]> sendRaw;
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
    /** The engine's H.264 payloads, packetised once per frame for all players (issue 12). */
    private final SharedH264Packets h264;
    private final RtpOut.Protect protect = PlayMedia.IN_PLACE_SRTP ? (buf, len) -> this.srtp.protectRtpInPlace(buf, len) : this::protectCopying;
    /**
     * {@code -Destuary.webrtc.inPlaceSrtp=false}: SRTP through jitsi-srtp's copying path (a copy in,
     * a copy out, a boxed SSRC lookup per packet), as before issue 12's sixth session; for A/B runs.
     */
    static final boolean IN_PLACE_SRTP = Boolean.parseBoolean(System.getProperty("estuary.webrtc.inPlaceSrtp", "true"));
    private final Vp8Packetizer vp8Packetizer;
    private final Vp9Packetizer vp9Packetizer;
    private final org.estuary.core.webrtc.Av1Packetizer av1Packetizer;
    /** What the player's video line carries (the stream's codec): H.264 or VP8. */
    private Codec videoCodec;
    private final RtpOut video;
    private final RtpOut audio;
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

    PlayMedia(Stream stream, List<Negotiation.Line> lines, Context context, OpusFeeds opusFeeds, BaselineFeeds baselineFeeds,
              VideoFeeds videoFeeds, SharedH264Packets h264,
              String sessionId,
              String ownerId, ObjIntConsumer<byte[]> sendRaw, Consumer<byte[]> sendRtcp, Runnable keyframeUpstream,
              WebRtcCounters counters, java.util.Random random) {
        this.stream = stream;
        this.context = context;
        this.sessionId = sessionId;
        this.ownerId = ownerId;
        this.sendRaw = sendRaw;
        this.sendRtcp = sendRtcp;
        this.keyframeUpstream = keyframeUpstream;
        this.counters = counters;
        this.h264 = h264;
        RtpOut v = null;
        RtpOut a = null;
        for (Negotiation.Line l : lines) {
            if (!l.accepted()) {
                continue;
            }
            RtpOut o = new RtpOut(l.sendSsrc(), l.chosen().pt(), l.chosen().clockRate(), random.nextInt() & 0xFFFFFFFFL,
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
                    : h264.packetize(f, f.isKeyframe() ? parameterSets : List.of()); // shared: VP8/VP9 carry per-player picture ids
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

    private int protectCopying(byte[] buf, int len) {
        byte[] s = srtp.protectRtp(buf, len);
        if (s == null || s.length > buf.length) {
            return -1;
        }
        System.arraycopy(s, 0, buf, 0, s.length);
        return s.length;
    }

    private void send(RtpOut o, long us, byte[] payload, boolean marker) {
        if (!o.send(us, payload, marker, System.currentTimeMillis(), protect, sendRaw)) {
            counters.srtpFailures.increment();
        }
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        counters.unknownSsrc.increment(); // a player sends no media
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        for (RtcpFeedback.Request r : RtcpFeedback.parse(pkt, len)) {
            RtpOut o = video != null && r.mediaSsrc() == video.ssrc ? video : audio != null && r.mediaSsrc() == audio.ssrc ? audio : null;
            if (o == null) {
                continue;
            }
            switch (r.kind()) {
                case NACK -> {
                    for (int seq : r.lostSequences()) {
                        if (o.resend(seq, protect, sendRaw)) {
                            retransmitted++;
                            counters.retransmitted.increment();
                            if (o.rtxPt >= 0) {
                                counters.rtxSent.increment();
                            }
                        }
                    }
                }
                case PLI, FIR -> keyframeUpstream.run();
                default -> { }
            }
        }
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
        for (RtpOut o : new RtpOut[] {video, audio}) {
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
}
