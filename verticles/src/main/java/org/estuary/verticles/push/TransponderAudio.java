package org.estuary.verticles.push;

import java.util.ArrayDeque;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.MediaException;
import org.estuary.media.audio.PcmMixer;
import org.estuary.media.audio.Resampler;
import org.estuary.media.audio.WavAudio;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transponder's audio path, on its worker thread: pass-through, mute (every access unit
 * replaced by encoded silence of the same format) or sound injection (decode, mix the WAV in,
 * re-encode). Each input access unit gives exactly one output unit with the same timestamps, so
 * the far end never sees a gap or a jump in audio time when the mode changes; while the encoder
 * primes (its first outputs lag by a frame or two) silence fills in.
 */
final class TransponderAudio implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransponderAudio.class);
    private static final int DEFAULT_BITRATE = 128_000;
    private static final int MAX_QUEUED_UNITS = 8;

    private final int bitrate;

    private byte[] asc;

    TransponderAudio() {
        this(DEFAULT_BITRATE);
    }

    /** {@code bitrate}: AAC bitrate when audio is re-encoded (push.audioBitrate). */
    TransponderAudio(int bitrate) {
        this.bitrate = bitrate;
    }
    private int sampleRate;
    private int channels;
    private boolean muted;

    // sound injection
    private WavAudio wav;
    private boolean loop;
    private Runnable onSoundEnd = () -> { };
    private float[][] sound; // the WAV at the stream's format, prepared on first use
    private int soundPos;
    private AudioDecoder decoder;
    private AudioEncoder encoder;
    private final ArrayDeque<byte[]> encoded = new ArrayDeque<>();

    void setMuted(boolean on) {
        muted = on;
    }

    void soundOn(WavAudio w, boolean loopIt, Runnable onEnd) {
        stopSound();
        wav = w;
        loop = loopIt;
        onSoundEnd = onEnd;
    }

    void soundOff() {
        stopSound();
    }

    /** One audio frame in, the frame to send out (null to drop it). */
    Frame apply(Frame f, MediaDescription d) {
        if (f.isConfig()) {
            if (f.codec() == Codec.AAC) {
                onConfig(f.payload());
            }
            return f;
        }
        boolean inject = wav != null;
        if ((!muted && !inject) || f.codec() != Codec.AAC || asc == null) {
            return f; // only AAC can be muted/mixed; others pass unchanged
        }
        byte[] out;
        try {
            out = inject ? mixed(f.payload()) : SilenceCache.silentAccessUnit(sampleRate, channels);
        } catch (MediaException e) {
            LOG.warn("Audio processing failed, back to the original audio: {}", e.getMessage());
            stopSound();
            return f;
        }
        return Frame.media(f.codec(), f.dtsUs(), f.ptsUs(), f.isKeyframe(), out);
    }

    private void onConfig(byte[] config) {
        if (asc != null && java.util.Arrays.equals(asc, config)) {
            return;
        }
        try {
            AacConfig c = AacConfig.parse(config);
            asc = config.clone();
            sampleRate = c.sampleRate();
            channels = c.channels();
            closeCodecs(); // a new format: rebuild decoder, encoder and the resampled sound
            sound = null;
        } catch (CodecConfigException e) {
            LOG.info("Unusable AAC config, audio passes unchanged: {}", e.getMessage());
            asc = null;
        }
    }

    private byte[] mixed(byte[] accessUnit) {
        if (decoder == null) {
            decoder = AudioDecoder.aac(asc);
            encoder = new AudioEncoder(Codec.AAC, sampleRate, channels, bitrate);
        }
        if (sound == null) {
            sound = Resampler.convertAll(wav.samples(), wav.sampleRate(), sampleRate, channels);
            soundPos = 0;
        }
        float[][] pcm = decoder.decode(accessUnit);
        if (pcm[0].length > 0) {
            float[][] base = pcm;
            float[][] extra = nextSound(pcm[0].length);
            encoded.addAll(encoder.encode(PcmMixer.mix(base, muted ? 0f : 1f, extra, 1f)));
            while (encoded.size() > MAX_QUEUED_UNITS) {
                encoded.poll();
            }
        }
        byte[] out = encoded.poll();
        if (wav != null && soundPos >= sound[0].length && !loop) {
            LOG.info("Injected sound finished");
            Runnable end = onSoundEnd;
            stopSound();
            end.run();
        }
        return out != null ? out : SilenceCache.silentAccessUnit(sampleRate, channels);
    }

    private float[][] nextSound(int n) {
        float[][] out = new float[channels][n];
        int len = sound[0].length;
        int filled = 0;
        while (filled < n && len > 0) {
            if (soundPos >= len) {
                if (!loop) {
                    break;
                }
                soundPos = 0;
            }
            int take = Math.min(n - filled, len - soundPos);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(sound[c], soundPos, out[c], filled, take);
            }
            filled += take;
            soundPos += take;
        }
        return out;
    }

    private void stopSound() {
        wav = null;
        sound = null;
        encoded.clear();
        closeCodecs();
    }

    private void closeCodecs() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }

    @Override
    public void close() {
        stopSound();
    }
}
