package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.Stream;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.RtcpFeedback;

/**
 * A browser publishing into a Stream (WHIP, publishStream): H.264 passes through, Opus is
 * transcoded once to AAC on a worker for RTMP/HLS readers. Asks for a key frame (PLI) as soon
 * as SRTP is up, until one arrives, and then every {@code keyframeIntervalMs} so HLS segments and
 * late readers get fresh key frames (browsers send none on their own).
 */
final class PublishMedia implements SessionMedia {
    private final Stream stream;
    private final WhipIngest ingest;
    private final OpusToAac aac;
    private final Context context;
    private final long ourSsrc;
    private final long keyframeIntervalMs;
    private final Consumer<byte[]> sendRtcp;
    private final WebRtcCounters counters;
    private SrtpTransform srtp;
    private long lastPliMs;
    private boolean closed;

    PublishMedia(Stream stream, List<Negotiation.Line> lines, Context context, SerialWorker worker, long ourSsrc,
                 long keyframeIntervalMs, Consumer<byte[]> sendRtcp, WebRtcCounters counters) {
        this.stream = stream;
        this.context = context;
        this.ourSsrc = ourSsrc;
        this.keyframeIntervalMs = keyframeIntervalMs;
        this.sendRtcp = sendRtcp;
        this.counters = counters;
        this.aac = new OpusToAac(worker, f -> context.runOnContext(v -> publish(f)));
        this.ingest = new WhipIngest(lines, this::publish, aac::submit);
    }

    private void publish(Frame f) {
        if (closed) {
            return;
        }
        if (f.isConfig()) {
            stream.describe(MediaDescriptions.apply(stream.description(), f));
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
        ingest.rtp(t, pkt, plain, nowMs);
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        ingest.rtcp(pkt, len);
    }

    @Override
    public void tick(long nowMs) {
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
        aac.close();
        stream.end(reason);
    }
}
