package org.estuary.verticles.mixer;

import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Stage;

/**
 * The audio encode stage: mixed PCM in, AAC hub frames out. Units leave the encoder one by one
 * after its priming delay, so they are numbered here (1024 samples each) rather than given the
 * tick's time. Owns (and closes) the encoder.
 */
final class AacEncodeStage implements Stage<float[][], Frame> {
    static final int FRAME = 1024;

    private final AudioEncoder encoder;
    private final int rate;
    private long units;

    AacEncodeStage(int rate, int channels, int bitrate) {
        this.encoder = new AudioEncoder(Codec.AAC, rate, channels, bitrate);
        this.rate = rate;
    }

    /** The AudioSpecificConfig, published once before the first unit. */
    Frame config() {
        return Frame.config(Codec.AAC, 0, encoder.config());
    }

    @Override
    public void process(float[][] pcm, Output<Frame> out) {
        for (byte[] au : encoder.encode(pcm)) {
            long t = units++ * FRAME * 1_000_000L / rate;
            out.emit(Frame.media(Codec.AAC, t, t, true, au));
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}
