package org.estuary.verticles.webrtc;

import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.AudioEncoder;

/**
 * A WebRTC publish's Opus audio transcoded once to AAC for the stream's RTMP/HLS/MP4 readers.
 * Runs on a worker (never the event loop); frames go out through {@code out} on that worker, so
 * the owner hops them back onto its loop. Lost Opus packets become silence so audio keeps its
 * place against video.
 */
final class OpusToAac {
    private static final int RATE = 48_000;
    private static final int CHANNELS = 2;
    private static final int AAC_BITRATE = 128_000;
    /** Gaps longer than this are not filled (a paused track): the time line just jumps. */
    private static final long MAX_FILL_US = 1_000_000;

    private final SerialWorker worker;
    private final Consumer<Frame> out;
    private AudioDecoder decoder;
    private AudioEncoder encoder;
    private long basePtsUs = Long.MIN_VALUE;
    private long inSamples;
    private long outSamples;
    private boolean closed;

    OpusToAac(SerialWorker worker, Consumer<Frame> out) {
        this.worker = worker;
        this.out = out;
    }

    /** Event loop: one Opus packet with its stream time. */
    void submit(long ptsUs, byte[] opus) {
        worker.submit(() -> transcode(ptsUs, opus), false);
    }

    /** Frees the codecs on the worker, after queued packets. */
    void close() {
        worker.submit(this::release, true);
    }

    private void transcode(long ptsUs, byte[] opus) {
        if (closed) {
            return;
        }
        if (decoder == null) {
            decoder = new AudioDecoder(Codec.OPUS, null, RATE, CHANNELS);
            encoder = new AudioEncoder(Codec.AAC, RATE, CHANNELS, AAC_BITRATE);
            basePtsUs = ptsUs;
            out.accept(Frame.config(Codec.AAC, ptsUs, encoder.config()));
        }
        long expectedUs = basePtsUs + inSamples * 1_000_000L / RATE;
        long gapUs = ptsUs - expectedUs;
        if (gapUs > 30_000 && gapUs <= MAX_FILL_US) {
            int n = (int) (gapUs * RATE / 1_000_000L);
            emit(encoder.encode(new float[CHANNELS][n]));
            inSamples += n;
        } else if (gapUs > MAX_FILL_US) {
            // jump: restart the time line at this packet
            basePtsUs = ptsUs - outSamples * 1_000_000L / RATE;
            inSamples = outSamples;
        }
        float[][] pcm;
        try {
            pcm = decoder.decode(opus);
        } catch (RuntimeException e) {
            return; // a corrupt packet: skip it, the next one decodes
        }
        if (pcm.length != CHANNELS) {
            return;
        }
        inSamples += pcm[0].length;
        emit(encoder.encode(pcm));
    }

    private void emit(List<byte[]> units) {
        for (byte[] u : units) {
            long pts = basePtsUs + outSamples * 1_000_000L / RATE;
            outSamples += encoder.frameSize();
            out.accept(Frame.media(Codec.AAC, pts, pts, true, u));
        }
    }

    private void release() {
        closed = true;
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
