package org.estuary.verticles.webrtc;

import java.util.function.BiConsumer;
import org.estuary.core.media.Codec;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.Resampler;

/**
 * AAC (RTMP, RTSP, files) transcoded to Opus 48 kHz stereo for a WebRTC player, on a worker
 * (never the event loop). Output: 20 ms Opus units with their stream time, through {@code out}
 * on the worker thread.
 */
final class AacToOpus {
    private static final int RATE = 48_000;
    private static final int CHANNELS = 2;
    private static final int BITRATE = 64_000;

    private final SerialWorker worker;
    private final BiConsumer<Long, byte[]> out;
    private AudioDecoder decoder;
    private Resampler resampler;
    private AudioEncoder encoder;
    private long basePtsUs = Long.MIN_VALUE;
    private long outSamples;
    private boolean closed;

    AacToOpus(SerialWorker worker, BiConsumer<Long, byte[]> out) {
        this.worker = worker;
        this.out = out;
    }

    /** Event loop: the AudioSpecificConfig (a new one restarts the codecs). */
    void config(byte[] asc) {
        worker.submit(() -> {
            release();
            closed = false;
            decoder = new AudioDecoder(Codec.AAC, asc, 0, 0);
            encoder = new AudioEncoder(Codec.OPUS, RATE, CHANNELS, BITRATE);
            if (decoder.sampleRate() != RATE || decoder.channels() != CHANNELS) {
                resampler = new Resampler(decoder.sampleRate(), decoder.channels(), RATE, CHANNELS);
            }
            basePtsUs = Long.MIN_VALUE;
            outSamples = 0;
        }, true);
    }

    /** Event loop: one AAC access unit. */
    void submit(long ptsUs, byte[] aac) {
        worker.submit(() -> transcode(ptsUs, aac), false);
    }

    void close() {
        worker.submit(() -> {
            release();
            closed = true;
        }, true);
    }

    private void transcode(long ptsUs, byte[] aac) {
        if (closed || decoder == null) {
            return;
        }
        if (basePtsUs == Long.MIN_VALUE) {
            basePtsUs = ptsUs;
        }
        float[][] pcm;
        try {
            pcm = decoder.decode(aac);
        } catch (RuntimeException e) {
            return; // a corrupt unit: skip it
        }
        if (pcm.length == 0 || pcm[0].length == 0) {
            return;
        }
        if (resampler != null) {
            pcm = resampler.resample(pcm);
        }
        if (pcm.length != CHANNELS) {
            return;
        }
        for (byte[] unit : encoder.encode(pcm)) {
            long pts = basePtsUs + outSamples * 1_000_000L / RATE;
            outSamples += encoder.frameSize();
            out.accept(pts, unit);
        }
    }

    private void release() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
