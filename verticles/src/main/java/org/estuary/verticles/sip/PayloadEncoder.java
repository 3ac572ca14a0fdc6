package org.estuary.verticles.sip;

import java.util.List;
import org.estuary.core.media.Codec;
import org.estuary.core.sip.RtpFormat;
import org.estuary.media.audio.AudioEncoder;

/**
 * 20 ms of the call's outgoing 16 kHz mono PCM → one RTP payload of a wideband codec: G.722
 * (64 kbit/s, 160 bytes) or Opus (coded from 16 kHz input; RFC 7587's RTP clock stays 48 kHz).
 * FFmpeg: runs on the call's media executor only and owns its native encoder until {@link #close()}.
 * (G.711 is coded on the event loop by {@link CallMedia} itself: a table look-up.)
 */
final class PayloadEncoder implements AutoCloseable {
    /** Opus at a voice rate: wideband speech is clear at 32 kbit/s (RFC 7587 §3.1.1). */
    static final int OPUS_BITRATE = 32_000;
    private final RtpFormat format;
    private final AudioEncoder encoder;

    PayloadEncoder(RtpFormat format) {
        this.format = format;
        if (format.encoding().equalsIgnoreCase("G722")) {
            encoder = new AudioEncoder(Codec.G722, 16000, 1, 0);
        } else if (format.encoding().equalsIgnoreCase("opus")) {
            encoder = new AudioEncoder(Codec.OPUS, 16000, 1, OPUS_BITRATE);
        } else {
            throw new IllegalArgumentException("no FFmpeg encoder for " + format);
        }
    }

    RtpFormat format() {
        return format;
    }

    /** One packet's payload from {@code pcm} (320 samples), or null while the encoder still buffers. */
    byte[] encode(short[] pcm) {
        float[] f = new float[pcm.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = pcm[i] / 32768f;
        }
        List<byte[]> units = encoder.encode(new float[][] {f});
        if (units.isEmpty()) {
            return null;
        }
        if (units.size() == 1) {
            return units.get(0);
        }
        int n = units.stream().mapToInt(u -> u.length).sum();
        byte[] all = new byte[n];
        int pos = 0;
        for (byte[] u : units) {
            System.arraycopy(u, 0, all, pos, u.length);
            pos += u.length;
        }
        return all;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
