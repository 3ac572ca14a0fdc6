package org.estuary.verticles.webrtc;

import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.VideoDecoder;
import org.estuary.media.video.VideoEncoder;
import org.estuary.media.video.VideoEncoderSettings;

/**
 * A WebRTC publish's VP8 or VP9 transcoded once to H.264 for the stream's RTMP/HLS/MP4 readers (FLV,
 * MPEG-TS and our MP4 recorder carry H.264; the stream's WebRTC players get the VP8/VP9 as it arrived,
 * {@link VideoFeeds}). Runs on a {@link SerialWorker} (never the event loop); frames go out through
 * {@code out} on that worker, so the owner hops them back onto its loop.
 *
 * <p>On demand ({@link PublishMedia} decides): {@link #start} when the first reader that needs H.264
 * comes (RTMP, HLS, a recording, a transcoder, a WebRTC player without VP8...), {@link #stop} after
 * the last left; nothing is decoded or encoded in between. A start primes a fresh decoder with the
 * publisher's frames since its last key frame (decoded, not encoded) and encodes from the current
 * frame, which the fresh encoder makes an IDR: the first reader gets a decodable picture within a
 * frame, without waiting for the publisher's next key frame (one is asked for anyway).
 *
 * <p>The H.264 picture size follows the source's (a browser lowering its resolution restarts the
 * encoder: a new configuration record, then an IDR). H.264 key frames follow the VP8 ones (the
 * publisher's key frames are asked for every {@code webrtc.keyframeIntervalMs}), so HLS segments
 * and RTMP readers start where WebRTC readers would. A frame dropped because the worker fell behind
 * breaks VP8's reference chain: frames are then skipped up to the next key frame, which is asked
 * for at once.
 */
final class ToH264 {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ToH264.class);
    /** Nominal rate for the encoder's rate control; the frames keep their own times. */
    static final int FPS = 30;
    /** Safety net only: key frames normally come from the VP8 ones. */
    private static final int GOP = 10 * FPS;

    private final SerialWorker worker;
    private final Consumer<Frame> out;
    private final Runnable wantKeyframe;
    private final int bitrateKbps;
    private final Codec codec;
    /** Event loop side: transcoding now (someone reads the H.264). */
    private boolean running;
    /** Event loop side: waiting for a key frame (no primer at the start, or after a dropped frame). */
    private boolean waitKey = true;
    private long droppedSeen;
    /** Worker side. */
    private VideoDecoder decoder;
    private VideoEncoder encoder;
    private boolean failedOnce;
    private volatile boolean closed;

    /**
     * @param wantKeyframe event loop: ask the publisher for a key frame
     * @param bitrateKbps  the H.264 target (the publisher's REMB ceiling)
     */
    ToH264(Codec codec, SerialWorker worker, Consumer<Frame> out, Runnable wantKeyframe, int bitrateKbps) {
        this.codec = codec;
        this.worker = worker;
        this.out = out;
        this.wantKeyframe = wantKeyframe;
        this.bitrateKbps = Math.max(100, Math.min(50_000, bitrateKbps));
    }

    boolean running() {
        return running;
    }

    /**
     * Event loop: starts transcoding. {@code sinceKey}: the publisher's frames from its last key
     * frame up to the one before the next {@link #submit} (empty when unknown): decoded to bring the
     * fresh decoder up to date, so the next frame is encoded at once, as an IDR.
     */
    void start(List<Frame> sinceKey) {
        if (running) {
            return;
        }
        running = true;
        droppedSeen = worker.dropped();
        boolean primed = !sinceKey.isEmpty() && sinceKey.get(0).isKeyframe();
        waitKey = !primed;
        if (primed) {
            List<Frame> primer = List.copyOf(sinceKey);
            worker.submit(() -> prime(primer), true);
        }
        wantKeyframe.run();
    }

    /** Event loop: stops transcoding and frees the codecs (on the worker, after queued frames). */
    void stop() {
        if (running) {
            running = false;
            worker.submit(this::release, true);
        }
    }

    /** Event loop: one VP8/VP9 frame of the publisher; ignored while stopped. */
    void submit(Frame f) {
        if (!running) {
            return;
        }
        if (worker.dropped() != droppedSeen) {
            droppedSeen = worker.dropped();
            waitKey = true;
            wantKeyframe.run();
        }
        if (waitKey && !f.isKeyframe()) {
            return;
        }
        waitKey = false;
        worker.submit(() -> transcode(f), false);
    }

    /** Frees the codecs on the worker, after queued frames; for good. */
    void close() {
        running = false;
        worker.submit(() -> {
            closed = true;
            release();
        }, true);
    }

    private void prime(List<Frame> frames) {
        if (closed) {
            return;
        }
        try {
            release(); // a fresh decoder: the primer starts at a key frame
            decoder = new VideoDecoder(codec, null, 1);
            for (Frame f : frames) {
                for (DecodedPicture p : decoder.decode(f)) {
                    p.close();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("{} to H.264: priming with {} frames failed: {}", codec, frames.size(), e.getMessage());
        }
    }

    private void transcode(Frame f) {
        if (closed) {
            return;
        }
        try {
            if (decoder == null) {
                decoder = new VideoDecoder(codec, null, 1);
            }
            for (DecodedPicture p : decoder.decode(f)) {
                try (p) {
                    encode(p, f.isKeyframe());
                }
            }
        } catch (RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.warn("{} to H.264: {} (frame skipped; later failures are not logged)", codec, e.getMessage());
            }
        }
    }

    private void encode(DecodedPicture p, boolean keyframe) {
        int w = p.width() & ~1;
        int h = p.height() & ~1;
        if (w != p.width() || h != p.height()) {
            throw new IllegalStateException("odd picture size " + p.width() + "x" + p.height() + " is not encoded (4:2:0 needs even)");
        }
        if (encoder == null || encoder.settings().width() != w || encoder.settings().height() != h) {
            if (encoder != null) {
                emit(encoder.flush());
                encoder.close();
            }
            encoder = new VideoEncoder(VideoEncoderSettings.h264(w, h, FPS, GOP, bitrateKbps));
        } else if (keyframe) {
            encoder.requestKeyframe();
        }
        emit(encoder.encode(p));
    }

    private void emit(List<Frame> frames) {
        for (Frame f : frames) {
            out.accept(f);
        }
    }

    private void release() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
