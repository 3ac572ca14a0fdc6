package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import java.util.List;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.Stream;
import org.estuary.core.webrtc.Negotiation;

/**
 * A room participant's tracks also published into the hub as stream {@code nickName#room}
 * ({@code sfu.mixedView}): the mixer's name-driven rooms then mix every participant into stream
 * {@code room}, readable over RTMP, HLS and the rest. The SFU's plain packets are depacketised
 * ({@link WhipIngest}) and Opus is transcoded once to AAC on a worker, as a WebRTC publish is;
 * forwarding to the room's subscribers is untouched. Event-loop only (the engine's).
 */
final class SfuHubFeed {
    private final Stream stream;
    private final WhipIngest ingest;
    private final OpusToAac aac;
    private final long keyframeIntervalMs;
    private long lastKeyframeAskMs;
    private boolean closed;

    SfuHubFeed(Stream stream, List<Negotiation.Line> lines, Context context, SerialWorker worker, long keyframeIntervalMs) {
        this.stream = stream;
        this.keyframeIntervalMs = keyframeIntervalMs;
        this.aac = new OpusToAac(worker, f -> context.runOnContext(v -> publish(f)));
        this.ingest = new WhipIngest(lines, this::publish, (ptsUs, rtpTs, unit) -> aac.submit(ptsUs, unit));
    }

    /** A decrypted packet of the participant (SSRC and payload type as it sent them). */
    void rtp(byte[] plain, int len, long nowMs) {
        WhipIngest.Track t = ingest.trackFor(SrtpTransform.u32(plain, 8), plain[1] & 0x7F);
        if (t != null && !closed) {
            ingest.rtp(t, plain, len, nowMs);
        }
    }

    /** True when the hub's readers want a fresh key frame (every webrtc.keyframeIntervalMs, for HLS segments and the mixer). */
    boolean keyframeDue(long nowMs) {
        if (keyframeIntervalMs <= 0 || nowMs - lastKeyframeAskMs < keyframeIntervalMs) {
            return false;
        }
        lastKeyframeAskMs = nowMs;
        return true;
    }

    private void publish(Frame f) {
        if (!closed) {
            PublishMedia.publishTo(stream, f);
        }
    }

    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        aac.close();
        stream.end(reason);
    }
}
