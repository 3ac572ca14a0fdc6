package org.estuary.verticles.sip;

import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.sip.RtpFormat;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.Resampler;

/**
 * A call's received audio (RTP payloads of the negotiated codec with their timestamps) decoded,
 * resampled and AAC-encoded into the call's stream. Runs on the call's serial media executor only
 * (FFmpeg never runs on the event loop). Audio time follows the RTP clock: a gap (silence
 * suppression, lost packets) is filled with silence so the stream's timestamps stay continuous;
 * late duplicates are dropped. A codec change (re-INVITE) reopens the decoder. RTP time and audio
 * samples differ for G.722 (8 kHz clock, 16 kHz audio), hence the conversions below.
 */
final class CallToStream implements AutoCloseable {
    static final int AAC_BITRATE = 32_000;
    /** A timestamp jump longer than this (in seconds) is a new source, not a gap to fill. */
    private static final int MAX_GAP_SECONDS = 5;

    private final Stream stream;
    private final int outRate;
    private final AudioEncoder encoder;
    private PayloadDecoder decoder;
    private Resampler resampler;
    private long nextRtpTs = -1;
    private long outSamples;
    private long packets;
    private long insertedSilence; // output samples of silence fed since the last packet

    /** Worker thread: opens the AAC encoder and sends the stream's AAC configuration. */
    CallToStream(Stream stream, int outRate) {
        this.stream = stream;
        this.outRate = outRate;
        this.encoder = new AudioEncoder(Codec.AAC, outRate, 1, AAC_BITRATE);
        stream.describe(MediaDescription.EMPTY.withAudio(Codec.AAC, outRate, 1));
        stream.publish(Frame.config(Codec.AAC, 0, encoder.config()));
    }

    long packets() {
        return packets;
    }

    /** One RTP packet's payload. */
    void packet(RtpFormat codec, byte[] payload, long rtpTimestamp) {
        packets++;
        if (decoder == null || !decoder.format().sameCodec(codec)) {
            closeDecoder();
            decoder = new PayloadDecoder(codec);
            int in = codec.audioRate();
            resampler = in == outRate ? null : new Resampler(in, 1, outRate, 1);
            nextRtpTs = -1; // another clock: no gap to measure against
        }
        int clock = codec.clockRate();
        if (nextRtpTs >= 0) {
            int gap = (int) (rtpTimestamp - nextRtpTs); // 32-bit RTP arithmetic
            if (gap < 0 && gap > -MAX_GAP_SECONDS * clock) {
                return; // late or duplicated packet: its time has been filled already
            }
            long gapOut = (long) gap * outRate / clock;
            if (gap > 0 && gap <= MAX_GAP_SECONDS * clock && gapOut > insertedSilence) {
                encode(new float[1][(int) (gapOut - insertedSilence)]);
            }
        }
        insertedSilence = 0;
        float[] pcm = decoder.decode(payload);
        // the packet's duration in RTP units: its samples at the audio rate, on the codec's clock
        nextRtpTs = (rtpTimestamp + (long) pcm.length * clock / codec.audioRate()) & 0xFFFFFFFFL;
        if (pcm.length > 0) {
            encode(resampler == null ? new float[][] {pcm} : resampler.resample(new float[][] {pcm}));
        }
    }

    /**
     * No packet for a while (silence suppression, a far end that went quiet): keep the stream's
     * audio going with silence so players never stall; a later timestamp gap is not filled twice.
     *
     * @param samples8k the silence's length in 8 kHz samples
     */
    void silence(int samples8k) {
        int samples = (int) ((long) samples8k * outRate / 8000);
        if (samples > 0) {
            encode(new float[1][samples]);
            insertedSilence += samples;
        }
    }

    /**
     * A video call's H.264 as it came (no transcoding): configuration records also update the
     * stream's description (codec, picture size), as for any ingest.
     */
    void video(Frame f) {
        if (f.isConfig()) {
            stream.describe(org.estuary.core.stream.MediaDescriptions.apply(stream.description(), f));
        }
        stream.publish(f);
    }

    /** PCM at the output rate into AAC access units on the stream. */
    private void encode(float[][] pcm) {
        for (byte[] au : encoder.encode(pcm)) {
            long us = outSamples * 1_000_000L / encoder.sampleRate();
            outSamples += encoder.frameSize();
            stream.publish(Frame.media(Codec.AAC, us, us, true, au));
        }
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
        encoder.close();
    }
}
