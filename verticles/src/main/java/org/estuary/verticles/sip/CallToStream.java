package org.estuary.verticles.sip;

import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.media.audio.AacEncoder;
import org.estuary.media.audio.Resampler;

/**
 * A call's received audio (decoded G.711 PCM with its RTP timestamps) resampled and AAC-encoded
 * into the call's stream. Runs on the call's serial media executor only (FFmpeg never runs on
 * the event loop). Audio time follows the RTP clock: a gap (silence suppression, lost packets) is
 * filled with silence so the stream's timestamps stay continuous; late duplicates are dropped.
 */
final class CallToStream implements AutoCloseable {
    static final int AAC_BITRATE = 32_000;
    /** A timestamp jump longer than this (in seconds) is a new source, not a gap to fill. */
    private static final int MAX_GAP_SECONDS = 5;

    private final Stream stream;
    private final int inRate;
    private final Resampler resampler;
    private final AacEncoder encoder;
    private long nextRtpTs = -1;
    private long outSamples;
    private long packets;
    private long insertedSilence; // samples of silence fed since the last packet

    /** Worker thread: opens the codecs and sends the stream's AAC configuration. */
    CallToStream(Stream stream, int inRate, int outRate) {
        this.stream = stream;
        this.inRate = inRate;
        Resampler r = null;
        AacEncoder e = null;
        try {
            r = inRate == outRate ? null : new Resampler(inRate, 1, outRate, 1);
            e = new AacEncoder(outRate, 1, AAC_BITRATE);
        } catch (RuntimeException ex) {
            if (r != null) {
                r.close();
            }
            throw ex;
        }
        this.resampler = r;
        this.encoder = e;
        stream.describe(MediaDescription.EMPTY.withAudio(Codec.AAC, outRate, 1));
        stream.publish(Frame.config(Codec.AAC, 0, encoder.audioSpecificConfig()));
    }

    long packets() {
        return packets;
    }

    /** One RTP packet's samples. */
    void pcm(short[] samples, long rtpTimestamp) {
        packets++;
        if (nextRtpTs >= 0) {
            int gap = (int) (rtpTimestamp - nextRtpTs); // 32-bit RTP arithmetic
            if (gap < 0 && gap > -MAX_GAP_SECONDS * inRate) {
                return; // late or duplicated packet: its time has been filled already
            }
            if (gap > 0 && gap <= MAX_GAP_SECONDS * inRate && gap > insertedSilence) {
                feed(new float[1][(int) (gap - insertedSilence)]);
            }
        }
        insertedSilence = 0;
        nextRtpTs = (rtpTimestamp + samples.length) & 0xFFFFFFFFL;
        float[] f = new float[samples.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = samples[i] / 32768f;
        }
        feed(new float[][] {f});
    }

    /**
     * No packet for a while (silence suppression, a far end that went quiet): keep the stream's
     * audio going with silence so players never stall; a later timestamp gap is not filled twice.
     */
    void silence(int samples) {
        if (samples > 0) {
            feed(new float[1][samples]);
            insertedSilence += samples;
        }
    }

    private void feed(float[][] pcm) {
        float[][] resampled = resampler == null ? pcm : resampler.resample(pcm);
        for (byte[] au : encoder.encode(resampled)) {
            long us = outSamples * 1_000_000L / encoder.sampleRate();
            outSamples += encoder.frameSize();
            stream.publish(Frame.media(Codec.AAC, us, us, true, au));
        }
    }

    @Override
    public void close() {
        if (resampler != null) {
            resampler.close();
        }
        encoder.close();
    }
}
