package org.estuary.verticles.transcoder;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.Resampler;

/**
 * The transcoder's audio path on its worker thread: pass-through when no other codec/rate is asked
 * (or it is the source's already), else decode → resample → encode. Encoded units are stamped by
 * sample count from the first input time, re-anchored when the source jumps ahead (a restart).
 */
final class TranscoderAudio implements AutoCloseable {
    private static final long REANCHOR_US = 1_000_000;
    private final Codec target;
    private final int targetRate;
    private final int bitrate;
    private byte[] sourceConfig;
    private AudioDecoder decoder;
    private Resampler resampler;
    private AudioEncoder encoder;
    private boolean configSent;
    private long baseUs = Long.MIN_VALUE;
    private long samplesOut;
    private volatile long framesIn;
    private volatile long framesOut;

    /** @param target null = pass through */
    TranscoderAudio(Codec target, int targetRate, int bitrate) {
        this.target = target;
        this.targetRate = targetRate;
        this.bitrate = bitrate;
    }

    long framesIn() { return framesIn; }
    long framesOut() { return framesOut; }

    /** Whether {@code source} audio goes out unchanged. */
    boolean passesThrough(Codec source) {
        return target == null || (target == source && targetRate == 0);
    }

    /** One source audio frame (already on the output clock) in; the frames to publish out. */
    List<Frame> apply(Frame f, MediaDescription source) {
        if (!f.isConfig()) {
            framesIn++;
        }
        if (passesThrough(f.codec())) {
            if (!f.isConfig()) {
                framesOut++;
            }
            return List.of(f);
        }
        if (f.isConfig()) {
            if (sourceConfig == null || !java.util.Arrays.equals(sourceConfig, f.payload())) {
                sourceConfig = f.payload();
                closeDecoder();   // a new source format: reopen on the next unit
            }
            return List.of();
        }
        if (decoder == null || decoder.codec() != f.codec()) {
            closeDecoder();
            decoder = new AudioDecoder(f.codec(), f.codec() == Codec.AAC || f.codec() == Codec.OPUS ? sourceConfig : null,
                    source.sampleRate(), source.channels());
        }
        float[][] pcm = decoder.decode(f.payload());
        List<Frame> out = new ArrayList<>(2);
        if (pcm[0].length == 0) {
            return out;
        }
        if (encoder == null) {
            encoder = new AudioEncoder(target, outRate(decoder.sampleRate()), outChannels(decoder.channels()), bitrate);
        }
        if (resampler == null && (decoder.sampleRate() != encoder.sampleRate() || decoder.channels() != encoder.channels())) {
            resampler = new Resampler(decoder.sampleRate(), decoder.channels(), encoder.sampleRate(), encoder.channels());
        }
        if (resampler != null) {
            pcm = resampler.resample(pcm);
        }
        long expected = baseUs == Long.MIN_VALUE ? Long.MIN_VALUE : baseUs + samplesOut * 1_000_000L / encoder.sampleRate();
        if (expected == Long.MIN_VALUE || f.dtsUs() - expected > REANCHOR_US) {
            baseUs = f.dtsUs();
            samplesOut = 0;
        }
        if (!configSent) {
            byte[] cfg = encoder.config();
            if (cfg.length > 0) {
                out.add(Frame.config(target, baseUs, cfg));
            }
            configSent = true;
        }
        for (byte[] unit : encoder.encode(pcm)) {
            long t = baseUs + samplesOut * 1_000_000L / encoder.sampleRate();
            samplesOut += encoder.frameSize();
            out.add(Frame.media(target, t, t, true, unit));
            framesOut++;
        }
        return out;
    }

    /** The description of the encoded output, or null while passing through / not started. */
    MediaDescription describe(MediaDescription d) {
        return encoder == null ? d : d.withAudio(target, encoder.sampleRate(), encoder.channels());
    }

    private int outRate(int sourceRate) {
        int r = targetRate > 0 ? targetRate : sourceRate;
        return switch (target) {
            case PCMA, PCMU -> targetRate > 0 ? targetRate : 8000;
            case OPUS -> nearestOpusRate(r);
            default -> r;
        };
    }

    private int outChannels(int sourceChannels) {
        return target == Codec.PCMA || target == Codec.PCMU ? 1 : Math.min(2, sourceChannels);
    }

    private static int nearestOpusRate(int r) {
        for (int rate : new int[] {8000, 12000, 16000, 24000}) {
            if (r <= rate) {
                return rate;
            }
        }
        return 48000;
    }

    private void closeDecoder() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
    }

    @Override
    public void close() {
        closeDecoder();
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
