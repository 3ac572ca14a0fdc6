package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.webrtc.Vp8Packetizer;
import org.estuary.core.stream.Stream;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.ReceptionStats;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.SdpAnswer;
import org.estuary.core.webrtc.TransportCc;

/**
 * A browser publishing into a Stream (WHIP, publishStream): H.264 passes through; VP8, VP9 or AV1 goes as is to the
 * stream's WebRTC players ({@link VideoFeeds}) and is transcoded to H.264 ({@link ToH264}) for
 * the stream itself only while someone reads it (RTMP, HLS, recording, a transcoder, a WebRTC player
 * without VP8/VP9: any reader of the stream that is not one of the feed's players); it stops
 * {@link #TRANSCODE_LINGER_MS} after the last such reader left. Opus goes as is
 * to the stream's WebRTC players ({@link OpusFeeds#passThrough}) and is transcoded once to AAC on a
 * worker for RTMP/HLS readers. Asks for a key frame (PLI) as soon
 * as SRTP is up, until one arrives, and then every {@code keyframeIntervalMs} so HLS segments and
 * late readers get fresh key frames (browsers send none on their own). Feeds the browser's
 * congestion control so it leaves its ~300 kbit/s start bitrate: receiver reports and a REMB every
 * {@link #REPORT_MS} (webrtc.publishBitrateKbps), transport-wide CC feedback on every packet's
 * arrival when webrtc.transportCc is on, and generic NACKs for gaps (it resends), at most every
 * {@link #FEEDBACK_MS}.
 */
final class PublishMedia implements SessionMedia {
    private final Stream stream;
    private final WhipIngest ingest;
    private final OpusToAac aac;
    private final OpusFeeds.PassThrough opusOut;
    /** VP8/VP9 publishers: the frames as they are for WebRTC players, their H.264 for the stream; null otherwise */
    private final VideoFeeds.Feed browserVideoOut;
    private final ToH264 h264;
    private final Context context;
    private final long ourSsrc;
    private final long keyframeIntervalMs;
    private final Consumer<byte[]> sendRtcp;
    private final WebRtcCounters counters;
    /** How often transport feedback and NACKs go out (libwebrtc's receivers send every 50-100 ms). */
    static final long FEEDBACK_MS = 50;

    /** Receiver reports (loss, jitter, LSR) and REMB go out this often. */
    static final long REPORT_MS = 1000;

    /**
     * How long the H.264 transcode outlives its last reader: a player reconnecting, or ffprobe
     * followed by ffmpeg, finds it running instead of restarting the codecs.
     */
    static final long TRANSCODE_LINGER_MS = 5000;
    /** The VP8/VP9 since its last key frame, beyond which the transcode start waits for a key frame instead. */
    private static final int PRIMER_MAX_FRAMES = 200;
    private static final long PRIMER_MAX_BYTES = 4 << 20;

    private final int transportCcId;
    /** The publisher's VP8/VP9 frames since its last key frame (primes the transcode's decoder at its start) */
    private final List<Frame> sinceKey = new java.util.ArrayList<>();
    private long sinceKeyBytes;
    /** When the H.264 transcode lost its last reader (0: it has some, or is not running) */
    private long unreadSinceMs;
    private final long rembBps;
    private long lastReportMs;
    private final TransportCc transportCc = new TransportCc();
    private SrtpTransform srtp;
    private long lastPliMs;
    private long lastFeedbackMs;
    private long lastMediaSsrc;
    private boolean closed;

    PublishMedia(Stream stream, List<Negotiation.Line> lines, Context context, SerialWorker worker, OpusFeeds opusFeeds,
                 VideoFeeds videoFeeds, SerialWorker videoWorker, long ourSsrc,
                 long keyframeIntervalMs, long rembBps, boolean transportCc, Consumer<byte[]> sendRtcp,
                 WebRtcCounters counters) {
        this.stream = stream;
        this.context = context;
        this.ourSsrc = ourSsrc;
        this.keyframeIntervalMs = keyframeIntervalMs;
        this.rembBps = rembBps;
        this.sendRtcp = sendRtcp;
        this.counters = counters;
        this.aac = new OpusToAac(worker, f -> context.runOnContext(v -> publish(f)));
        boolean opus = lines.stream().anyMatch(l -> l.accepted() && l.codec() == Codec.OPUS);
        this.opusOut = opus ? opusFeeds.passThrough(stream) : null;
        Codec browserVideo = lines.stream().filter(l -> l.accepted() && browserCodec(l.codec()))
                .map(Negotiation.Line::codec).findFirst().orElse(null);
        this.browserVideoOut = browserVideo != null ? videoFeeds.passThrough(stream, browserVideo) : null;
        this.h264 = browserVideo != null ? new ToH264(browserVideo, videoWorker, f -> context.runOnContext(v -> publish(f)), this::keyframeWanted,
                rembBps > 0 ? (int) Math.min(50_000, rembBps / 1000) : 1500) : null;
        this.ingest = new WhipIngest(lines, this::publish, this::opus, counters);
        int twcc = -1;
        for (Negotiation.Line l : lines) {
            if (transportCc && l.accepted() && twcc < 0) {
                twcc = SdpAnswer.transportCcId(l.offered()); // BUNDLE: one id for every m-line
            }
        }
        this.transportCcId = twcc;
    }

    /** Opus: as is to the stream's WebRTC players, transcoded to AAC for everyone else. */
    private void opus(long ptsUs, long rtpTimestamp, byte[] unit) {
        if (opusOut != null) {
            opusOut.opus(ptsUs, rtpTimestamp, unit);
        }
        aac.submit(ptsUs, unit);
    }

    private void publish(Frame f) {
        if (closed) {
            return;
        }
        if (f.codec() == Codec.H264 && h264 != null && !h264.running()) {
            return; // the transcode's last frames, queued on its worker when it stopped
        }
        if (browserCodec(f.codec())) {
            // RTMP, HLS and MP4 carry H.264: the stream gets the transcoded copy, WebRTC players the VP8/VP9
            if (browserVideoOut != null) {
                browserVideoOut.frame(f);
                describeAhead(f);
                transcodeOnDemand(System.currentTimeMillis());
                h264.submit(f);
                keepSinceKey(f);
            }
            return;
        }
        publishTo(stream, f);
    }

    /**
     * Starts the H.264 transcode when the stream has a reader other than the VP8/VP9 feed's players,
     * stops it {@link #TRANSCODE_LINGER_MS} after the last one left (its cached GOP is then dropped:
     * the next reader starts at the restarted transcode's first IDR, not at a stale picture).
     */
    private void transcodeOnDemand(long nowMs) {
        boolean wanted = false;
        for (org.estuary.core.stream.StreamReader r : stream.readers()) {
            if (!browserVideoOut.isPlayer(r.info().mediaSessionId())) {
                wanted = true;
                break;
            }
        }
        if (wanted) {
            unreadSinceMs = 0;
            if (!h264.running()) {
                counters.h264TranscodeStarts.increment();
                counters.h264TranscodesRunning.increment();
                h264.start(sinceKey);
            }
        } else if (h264.running()) {
            if (unreadSinceMs == 0) {
                unreadSinceMs = nowMs;
            } else if (nowMs - unreadSinceMs >= TRANSCODE_LINGER_MS) {
                unreadSinceMs = 0;
                stopTranscode();
                stream.dropCachedGop();
            }
        }
    }

    private void stopTranscode() {
        if (h264 != null && h264.running()) {
            counters.h264TranscodesRunning.decrement();
            h264.stop();
        }
    }

    /** Frames since the last key frame, bounded (beyond: none; the transcode then starts at a key frame). */
    private void keepSinceKey(Frame f) {
        if (f.isKeyframe()) {
            sinceKey.clear();
            sinceKeyBytes = 0;
        } else if (sinceKey.isEmpty()) {
            return;
        }
        if (sinceKey.size() >= PRIMER_MAX_FRAMES || sinceKeyBytes + f.size() > PRIMER_MAX_BYTES) {
            sinceKey.clear();
            sinceKeyBytes = 0;
            return;
        }
        sinceKey.add(f);
        sinceKeyBytes += f.size();
    }

    /**
     * Until the first H.264 exists the stream is described as H.264 at the key frame's size: /stream/find,
     * RTMP metadata, HLS and WebRTC players without VP8/VP9 then see the video they get once the transcode runs.
     */
    private void describeAhead(Frame f) {
        MediaDescription d = stream.description();
        if (d.videoCodec() == null && f.isKeyframe()) {
            int[] size = f.codec() == Codec.VP8 ? Vp8Packetizer.keyframeSize(f.payload())
                    : f.codec() == Codec.VP9 ? org.estuary.core.webrtc.Vp9Packetizer.keyframeSize(f.payload())
                    : null; // AV1: the size is in the sequence header; the transcode's first frame tells
            stream.describe(d.withVideo(Codec.H264, size == null ? 0 : size[0], size == null ? 0 : size[1], d.fps()));
        }
    }

    /** Codecs that go as they are to WebRTC players of the same codec and are transcoded to H.264 for the rest. */
    static boolean browserCodec(Codec c) {
        return c == Codec.VP8 || c == Codec.VP9 || c == Codec.AV1;
    }

    /** A browser's frame into a hub stream: configuration and VP8 key frame sizes describe it first. */
    static void publishTo(Stream stream, Frame f) {
        if (f.isConfig()) {
            stream.describe(MediaDescriptions.apply(stream.description(), f));
        } else if (f.codec() == Codec.VP8 && f.isKeyframe()) {
            // VP8 has no configuration record: its key frames carry the picture size (an SFU room's hub feed)
            int[] size = Vp8Packetizer.keyframeSize(f.payload());
            MediaDescription d = stream.description();
            if (size != null && (d.videoCodec() != Codec.VP8 || d.width() != size[0] || d.height() != size[1])) {
                stream.describe(d.withVideo(Codec.VP8, size[0], size[1], d.fps()));
            }
        }
        stream.publish(f);
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        requestKeyframe(System.currentTimeMillis());
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        long ssrc = SrtpTransform.u32(pkt, 8);
        WhipIngest.Track t = ingest.trackFor(ssrc, pkt[1] & 0x7F);
        if (t == null) {
            counters.unknownSsrc.increment();
            return;
        }
        int plain = srtp.unprotectRtp(pkt, len);
        if (plain < 0) {
            counters.srtpFailures.increment();
            return;
        }
        if (transportCcId > 0) {
            int seq = TransportCc.extension16(pkt, plain, transportCcId);
            if (seq >= 0) {
                transportCc.received(seq, System.nanoTime() / 1000);
                lastMediaSsrc = ssrc;
            }
        }
        ingest.rtp(t, pkt, plain, nowMs);
        feedback(nowMs);
    }

    /** Transport feedback for what arrived since the last one, and NACKs for what did not. */
    private void feedback(long nowMs) {
        if (nowMs - lastFeedbackMs < FEEDBACK_MS) {
            return;
        }
        lastFeedbackMs = nowMs;
        byte[] fb;
        while ((fb = transportCc.feedback(ourSsrc, lastMediaSsrc)) != null) {
            counters.transportFeedback.increment();
            sendRtcp.accept(fb);
        }
        if (nowMs - lastReportMs >= REPORT_MS) {
            lastReportMs = nowMs;
            report(nowMs);
        }
        for (WhipIngest.Track t : ingest.tracks()) {
            if (t.loss != null && t.ssrc >= 0) {
                List<Integer> lost = t.loss.due(nowMs);
                if (!lost.isEmpty()) {
                    counters.nacksSent.add(lost.size());
                    sendRtcp.accept(RtcpFeedback.nack(ourSsrc, t.ssrc, lost));
                }
            }
        }
    }

    /**
     * A receiver report for every track heard from, with a REMB of {@code rembBps}: in its first
     * seconds Chromium's estimate jumps to the REMB while no loss is reported, and afterwards its
     * loss-based estimate follows the receiver reports' loss fractions below that ceiling.
     */
    private void report(long nowMs) {
        List<byte[]> blocks = new java.util.ArrayList<>();
        List<Long> ssrcs = new java.util.ArrayList<>();
        for (WhipIngest.Track t : ingest.tracks()) {
            if (t.reception != null && t.reception.started()) {
                blocks.add(t.reception.reportBlock(nowMs));
                ssrcs.add(t.ssrc);
            }
        }
        if (blocks.isEmpty()) {
            return;
        }
        byte[] rr = ReceptionStats.receiverReport(ourSsrc, blocks);
        byte[] compound = rr;
        if (rembBps > 0) {
            byte[] remb = RtcpFeedback.remb(ourSsrc, rembBps, ssrcs);
            compound = java.util.Arrays.copyOf(rr, rr.length + remb.length);
            System.arraycopy(remb, 0, compound, rr.length, remb.length);
            counters.rembSent.increment();
        }
        counters.receiverReports.increment();
        sendRtcp.accept(compound);
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        ingest.rtcp(pkt, len);
    }

    @Override
    public void tick(long nowMs) {
        if (srtp != null) {
            feedback(nowMs);
        }
        if (srtp == null || !ingest.hasVideo()) {
            return;
        }
        long every = ingest.keyframes() == 0 ? 500 : keyframeIntervalMs;
        if (every > 0 && nowMs - lastPliMs >= every) {
            requestKeyframe(nowMs);
        }
    }

    /** A player asked for a key frame (its PLI/FIR): forward it to the browser, at most every 300 ms. */
    void keyframeWanted() {
        long now = System.currentTimeMillis();
        if (now - lastPliMs >= 300) {
            requestKeyframe(now);
        }
    }

    private void requestKeyframe(long nowMs) {
        long v = ingest.videoSsrc();
        if (v < 0 || srtp == null) {
            return;
        }
        lastPliMs = nowMs;
        sendRtcp.accept(RtcpFeedback.pli(ourSsrc, v));
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (opusOut != null) {
            opusOut.close();
        }
        aac.close();
        if (browserVideoOut != null) {
            browserVideoOut.close();
            stopTranscode();
            h264.close();
            sinceKey.clear();
        }
        stream.end(reason);
    }
}
