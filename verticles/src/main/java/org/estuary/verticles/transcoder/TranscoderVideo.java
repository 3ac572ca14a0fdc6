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
import org.estuary.media.video.VideoDecoder;
import org.estuary.media.video.VideoEncoder;
import org.estuary.media.video.VideoEncoderSettings;
import org.estuary.media.video.VideoScaler;
import org.estuary.media.video.VideoStages;

/**
 * The transcoder's video graph, decode → scale → watermark → fps → encode, owned by its worker
 * thread. The decoder follows the source (new codec, new config frame); the output size is fixed
 * from the first picture when the request gave only one side (aspect ratio kept, even sizes).
 */
final class TranscoderVideo implements AutoCloseable {
    private final TranscodeSpec spec;
    private final Pipeline<Frame, Frame> pipeline;
    private volatile PlacedWatermark watermark;
    private volatile int outWidth;
    private volatile int outHeight;
    private volatile String encoderName;

    TranscoderVideo(TranscodeSpec spec, PlacedWatermark initial) {
        this.spec = spec;
        this.watermark = initial;
        this.pipeline = Pipeline.<Frame>builder()
                .then("decode", new FollowingDecoder())
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

    /** Worker thread: one source video frame (on the output clock) in, encoded frames to {@code sink}. */
    void push(Frame f, Consumer<Frame> sink) {
        pipeline.push(f, sink);
    }

    void setWatermark(PlacedWatermark w) {
        watermark = w;
    }

    PlacedWatermark watermark() { return watermark; }
    int outWidth() { return outWidth; }
    int outHeight() { return outHeight; }
    String encoderName() { return encoderName; }
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

    /** Decodes with a decoder for the frame's codec, replaced when the source changes codec. */
    private static final class FollowingDecoder implements Stage<Frame, DecodedPicture> {
        private Stage<Frame, DecodedPicture> stage;
        private org.estuary.core.media.Codec codec;

        @Override
        public void process(Frame f, Output<DecodedPicture> out) {
            if (stage == null || f.codec() != codec) {
                close();
                codec = f.codec();
                stage = VideoStages.decode(new VideoDecoder(f.codec(), null, 1));
            }
            stage.process(f, out);
        }

        @Override
        public void flush(Output<DecodedPicture> out) {
            if (stage != null) {
                stage.flush(out);
            }
        }

        @Override
        public void close() {
            if (stage != null) {
                stage.close();
                stage = null;
            }
        }
    }
}
