package org.estuary.media.video;

import java.util.function.Supplier;
import org.estuary.core.media.Frame;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Stage;

/**
 * The video building blocks as pipeline {@link Stage}s. Each stage owns (and closes) its native
 * object; pictures it creates are closed right after they have been passed on.
 */
public final class VideoStages {
    private VideoStages() { }

    /** Hub frames in, pictures out; non-video frames and config frames produce nothing. */
    public static Stage<Frame, DecodedPicture> decode(VideoDecoder decoder) {
        return new Stage<>() {
            @Override
            public void process(Frame f, Output<DecodedPicture> out) {
                long errorsBefore = decoder.errors();
                var pictures = decoder.decode(f);
                if (decoder.errors() > errorsBefore) {
                    out.drop();
                }
                emitAll(pictures, out);
            }

            @Override
            public void flush(Output<DecodedPicture> out) {
                emitAll(decoder.flush(), out);
            }

            @Override
            public void close() {
                decoder.close();
            }
        };
    }

    /** Pictures of any size in, pictures of the scaler's size out (passed as-is if already that size). */
    public static Stage<DecodedPicture, DecodedPicture> scale(VideoScaler scaler) {
        return new Stage<>() {
            @Override
            public void process(DecodedPicture in, Output<DecodedPicture> out) {
                if (in.width() == scaler.width() && in.height() == scaler.height()) {
                    out.emit(in);
                    return;
                }
                try (DecodedPicture scaled = scaler.scale(in)) {
                    out.emit(scaled);
                }
            }

            @Override
            public void close() {
                scaler.close();
            }
        };
    }

    /**
     * Draws the current watermark (asked for each picture, so it can be changed live from the
     * owning thread); a null watermark passes pictures unchanged.
     */
    public static Stage<DecodedPicture, DecodedPicture> watermark(Supplier<PlacedWatermark> current) {
        return new Stage<>() {
            /** The picture drawn on last: a frame-rate stage before this one repeats a picture as the same object. */
            private DecodedPicture marked;

            @Override
            public void process(DecodedPicture in, Output<DecodedPicture> out) {
                PlacedWatermark w = current.get();
                // drawing twice on one picture would blend a translucent mark twice (a darker repeat)
                if (w != null && in != marked) {
                    w.watermark().apply(in, w.placement());
                    marked = in;
                }
                out.emit(in);
            }
        };
    }

    /** Re-stamps pictures onto a constant frame rate, dropping or repeating them. */
    public static Stage<DecodedPicture, DecodedPicture> frameRate(FrameRateConverter converter) {
        return (in, out) -> {
            long[] times = converter.slotsFor(in.ptsUs());
            if (times.length == 0) {
                out.drop();
                return;
            }
            long original = in.ptsUs();
            for (long t : times) {
                in.setPtsUs(t);
                out.emit(in);
            }
            in.setPtsUs(original);
        };
    }

    /** Pictures in, encoded hub frames (config frames included) out. */
    public static Stage<DecodedPicture, Frame> encode(VideoEncoder encoder) {
        return new Stage<>() {
            @Override
            public void process(DecodedPicture in, Output<Frame> out) {
                for (Frame f : encoder.encode(in)) {
                    out.emit(f);
                }
            }

            @Override
            public void flush(Output<Frame> out) {
                for (Frame f : encoder.flush()) {
                    out.emit(f);
                }
            }

            @Override
            public void close() {
                encoder.close();
            }
        };
    }

    /** Emits each picture, closing it once emitted (and the rest if downstream fails): the decode stages' contract. */
    public static void emitAll(java.util.List<DecodedPicture> pictures, Output<DecodedPicture> out) {
        int i = 0;
        try {
            for (; i < pictures.size(); i++) {
                try (DecodedPicture p = pictures.get(i)) {
                    out.emit(p);
                }
            }
        } finally {
            for (int j = i + 1; j < pictures.size(); j++) {
                pictures.get(j).close();   // downstream failed: free the rest
            }
        }
    }
}
