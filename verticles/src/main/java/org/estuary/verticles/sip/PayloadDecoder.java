package org.estuary.verticles.sip;

import org.estuary.core.media.Codec;
import org.estuary.core.sip.G711;
import org.estuary.core.sip.RtpFormat;
import org.estuary.media.audio.AudioDecoder;

/**
 * A received RTP payload of the call's codec → mono float PCM at the codec's audio rate
 * ({@link RtpFormat#audioRate()}: 8 kHz G.711, 16 kHz G.722, 48 kHz Opus). G.711 is a table
 * look-up; G.722 and Opus go through FFmpeg, so this runs on the call's media executor only and
 * owns its native decoder until {@link #close()}.
 */
final class PayloadDecoder implements AutoCloseable {
    private final RtpFormat format;
    private final AudioDecoder ffmpeg;

    PayloadDecoder(RtpFormat format) {
        this.format = format;
        if (format.isG711()) {
            ffmpeg = null;
        } else if (format.encoding().equalsIgnoreCase("G722")) {
            ffmpeg = new AudioDecoder(Codec.G722, null, 16000, 1);
        } else if (format.encoding().equalsIgnoreCase("opus")) {
            // no OpusHead on RTP: one channel asked for, libopus folds a stereo sender down to it
            ffmpeg = new AudioDecoder(Codec.OPUS, null, 48000, 1);
        } else {
            throw new IllegalArgumentException("no decoder for " + format);
        }
    }

    RtpFormat format() {
        return format;
    }

    /** The payload's samples (mono); empty while a decoder primes. */
    float[] decode(byte[] payload) {
        if (ffmpeg == null) {
            boolean ulaw = format.encoding().equalsIgnoreCase("PCMU");
            float[] out = new float[payload.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (ulaw ? G711.decodeUlaw(payload[i]) : G711.decodeAlaw(payload[i])) / 32768f;
            }
            return out;
        }
        float[][] pcm = ffmpeg.decode(payload);
        if (pcm.length <= 1) {
            return pcm.length == 0 ? new float[0] : pcm[0];
        }
        float[] mono = new float[pcm[0].length];
        for (float[] ch : pcm) {
            for (int i = 0; i < mono.length; i++) {
                mono[i] += ch[i] / pcm.length;
            }
        }
        return mono;
    }

    @Override
    public void close() {
        if (ffmpeg != null) {
            ffmpeg.close();
        }
    }
}
