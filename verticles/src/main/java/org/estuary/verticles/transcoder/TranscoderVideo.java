package org.estuary.verticles.transcoder;

import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Frame;
import org.estuary.core.media.OutputSize;
import org.estuary.media.pipeline.NodeStats;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Pipeline;
import org.estuary.media.pipeline.Stage;
import org.estuary.media.pipeline.Stages;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.FrameRateConverter;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.SharedVideoDecoder;
import org.estuary.media.video.VideoEncoder;
import org.estuary.media.video.VideoEncoderSettings;
import org.estuary.media.video.VideoScaler;
import org.estuary.media.video.VideoStages;

/**
 * The transcoder's video graph, decode → fps → scale → watermark → encode, owned by its worker
 * thread; the decode is shared with the source's other transcoders and mixers. The decoder follows
 * the source (new codec, new config frame); the output size is fixed from the first picture when
 * the request gave only one side (aspect ratio kept, even sizes).
 */
final class TranscoderVideo implements AutoCloseable {
    private final TranscodeSpec spec;
    private final Pipeline<Frame, Frame> pipeline;
    private final FollowingDecoder decoder = new FollowingDecoder();
    // worker-thread state: the publication being read and its output clock offset
    private Object source;
    private long offsetUs;
    private volatile PlacedWatermark watermark;
    private volatile int outWidth;
    private volatile int outHeight;
    private volatile String encoderName;

    TranscoderVideo(TranscodeSpec spec, PlacedWatermark initial) {
        this.spec = spec;
        this.watermark = initial;
        this.pipeline = Pipeline.<Frame>builder()
                .then("decode", decoder)
                // the frame rate first: pictures the output drops are never scaled or watermarked
                // (30 fps in, 15 out halves that work; issue 14 item 6)
                .then("fps", VideoStages.frameRate(spec.keyFrameAlignMs() > 0 ? FrameRateConverter.onGrid(spec.fps())
                        : new FrameRateConverter(spec.fps())))
                .then("scale", Stages.<DecodedPicture, DecodedPicture>lazy(first -> {
                    int[] size = outputSize(spec.width(), spec.height(), first.width(), first.height());
                    outWidth = size[0];
                    outHeight = size[1];
                    return VideoStages.scale(new VideoScaler(size[0], size[1]));
                }))
                .then("watermark", VideoStages.watermark(() -> watermark))
                .then("encode", Stages.<DecodedPicture, Frame>lazy(first -> {
                    // aligned: the encoder's own GOP is only a fallback, AlignedKeyFrames forces the real ones
                    int gop = spec.keyFrameAlignMs() > 0 ? 3600 : spec.keyFrameInterval();
                    VideoEncoder enc = new VideoEncoder(new VideoEncoderSettings(org.estuary.core.media.Codec.H264,
                            spec.encoderName(), first.width(), first.height(), spec.fps(), gop,
                            bitrateKbps(first.width(), first.height()), 1));
                    encoderName = enc.encoderName();
                    Stage<DecodedPicture, Frame> encode = VideoStages.encode(enc);
                    return spec.keyFrameAlignMs() > 0
                            ? new AlignedKeyFrames(encode, enc, spec.keyFrameAlignMs() * 1000L, spec.fps()) : encode;
                }))
                .build();
    }

    /**
     * Worker thread: one source video frame in, encoded frames to {@code sink}. {@code f} is the
     * hub's frame as every reader of {@code source} got it (the shared decoder knows frames by
     * identity), {@code onClock} the same frame on the output clock: its offset re-stamps the pictures.
     */
    void push(Frame f, Frame onClock, Object source, Consumer<Frame> sink) {
        this.source = source;
        if (!f.isConfig()) {
            offsetUs = onClock.dtsUs() - f.dtsUs();
        }
        pipeline.push(f, sink);
    }

    void setWatermark(PlacedWatermark w) {
        watermark = w;
    }

    PlacedWatermark watermark() { return watermark; }
    int outWidth() { return outWidth; }
    int outHeight() { return outHeight; }
    String encoderName() { return encoderName; }

    /** Source pictures taken from another transcoder's or mixer's decode of the same publication (any thread). */
    long sharedDecodes() { return decoder.taken; }
    List<NodeStats> stats() { return pipeline.stats(); }

    int bitrateKbps(int w, int h) {
        if (spec.bitrateKbps() > 0) {
            return spec.bitrateKbps();
        }
        // no bitrate asked: ~0.1 bit per pixel, a usual quality for baseline H.264
        return Math.max(100, (int) ((long) w * h * spec.fps() / 10_000));
    }

    /** Output size for a request ({@code 0} = follow the source), even, aspect ratio kept: {@link OutputSize}. */
    static int[] outputSize(int reqW, int reqH, int srcW, int srcH) {
        return OutputSize.of(reqW, reqH, srcW, srcH);
    }

    @Override
    public void close() {
        pipeline.close();
    }

    /**
     * Asks for a key frame at the first picture of every period of media time (pictures come on the
     * absolute {@code k / fps} grid, so every transcoder of the source picks the same picture).
     */
    private static final class AlignedKeyFrames implements Stage<DecodedPicture, Frame> {
        private final Stage<DecodedPicture, Frame> encode;
        private final VideoEncoder encoder;
        private final long periodUs;
        private final long halfFrameUs;
        private long period = Long.MIN_VALUE;

        AlignedKeyFrames(Stage<DecodedPicture, Frame> encode, VideoEncoder encoder, long periodUs, int fps) {
            this.encode = encode;
            this.encoder = encoder;
            this.periodUs = periodUs;
            this.halfFrameUs = 500_000L / fps;
        }

        @Override
        public void process(DecodedPicture in, Output<Frame> out) {
            long p = Math.floorDiv(in.ptsUs() + halfFrameUs, periodUs);
            if (p != period) {
                period = p;
                encoder.requestKeyframe();
            }
            encode.process(in, out);
        }

        @Override
        public void flush(Output<Frame> out) {
            encode.flush(out);
        }

        @Override
        public void close() {
            encode.close();
        }
    }

    /**
     * Decodes the source's frames with the decoder every transcoder and mixer of that publication
     * shares ({@link SharedVideoDecoder}: one decode per source picture, whoever reads it), then puts
     * the pictures on this transcoder's output clock. A new publication gets its decoder; a codec
     * change within one is the shared decoder's business.
     */
    private final class FollowingDecoder implements Stage<Frame, DecodedPicture> {
        private SharedVideoDecoder.Handle handle;
        private Object decoding;
        private long takenBefore;   // by the handles of earlier publications
        /** Written by the worker, read by REST. */
        private volatile long taken;

        @Override
        public void process(Frame f, Output<DecodedPicture> out) {
            if (handle == null || source != decoding) {
                close();
                decoding = source;
                handle = SharedVideoDecoder.acquire(source);
            }
            long errorsBefore = handle.errors();
            long missedBefore = handle.missed();
            List<DecodedPicture> pictures = handle.decode(f);
            if (handle.errors() > errorsBefore || handle.missed() > missedBefore) {
                out.drop();
            }
            for (DecodedPicture p : pictures) {
                p.setPtsUs(p.ptsUs() + offsetUs);
            }
            taken = takenBefore + handle.taken();
            VideoStages.emitAll(pictures, out);
        }

        @Override
        public void close() {
            if (handle != null) {
                takenBefore += handle.taken();
                handle.close();
                handle = null;
            }
        }
    }
}
