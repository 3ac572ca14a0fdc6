package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

class AudioCodecRoundTripTest {

    private static double rms(float[] s, int from) {
        double sum = 0;
        for (int i = from; i < s.length; i++) {
            sum += s[i] * s[i];
        }
        return Math.sqrt(sum / Math.max(1, s.length - from));
    }

    @Test
    void opusPcmaPcmuAndAacKeepASineAudible() {
        for (Codec codec : List.of(Codec.OPUS, Codec.PCMA, Codec.PCMU, Codec.AAC)) {
            int rate = codec == Codec.OPUS || codec == Codec.AAC ? 48000 : 8000;
            int ch = codec == Codec.OPUS ? 2 : 1;
            float[][] sig = Signals.sine(440, rate, ch, rate, 0.5);
            try (AudioEncoder enc = new AudioEncoder(codec, rate, ch, 64000)) {
                List<byte[]> units = enc.encode(sig);
                assertFalse(units.isEmpty(), codec + " produced units");
                if (codec == Codec.PCMA || codec == Codec.PCMU) {
                    assertEquals(160, units.get(0).length, "20 ms of 8 kHz mono G.711 = 160 bytes");
                    assertEquals(0, enc.config().length);
                }
                if (codec == Codec.OPUS) {
                    assertEquals("OpusHead", new String(enc.config(), 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                try (AudioDecoder dec = new AudioDecoder(codec, enc.config(), rate, ch)) {
                    int samples = 0;
                    float[] all = new float[0];
                    for (byte[] u : units) {
                        float[][] pcm = dec.decode(u);
                        float[] grown = java.util.Arrays.copyOf(all, all.length + pcm[0].length);
                        System.arraycopy(pcm[0], 0, grown, all.length, pcm[0].length);
                        all = grown;
                        samples += pcm[0].length;
                    }
                    assertTrue(samples > rate / 2, codec + " decoded " + samples);
                    assertEquals(0.5 / Math.sqrt(2), rms(all, all.length / 2), 0.08, codec + " level");
                }
            }
        }
    }

    @Test
    void g722Is16kHzMonoIn20msUnitsOfHalfAByteASample() {
        float[][] sig = Signals.sine(1000, 16000, 1, 16000, 0.5);
        try (AudioEncoder enc = new AudioEncoder(Codec.G722, 16000, 1, 0);
             AudioDecoder dec = new AudioDecoder(Codec.G722, null, 0, 0)) {
            List<byte[]> units = enc.encode(sig);
            assertEquals(0, enc.config().length);
            int bytes = units.stream().mapToInt(u -> u.length).sum();
            assertTrue(bytes >= 7600 && bytes <= 8000, "64 kbit/s: 1 s of 16 kHz in ~8000 bytes, got " + bytes);
            assertEquals(16000, dec.sampleRate());
            float[] all = new float[0];
            for (byte[] u : units) {
                float[] pcm = dec.decode(u)[0];
                float[] grown = java.util.Arrays.copyOf(all, all.length + pcm.length);
                System.arraycopy(pcm, 0, grown, all.length, pcm.length);
                all = grown;
            }
            assertEquals(bytes * 2, all.length, "two samples a byte");
            assertEquals(0.5 / Math.sqrt(2), rms(all, all.length / 2), 0.08, "level");
            assertTrue(Signals.power(all, all.length / 2, 4000, 1000, 16000)
                    > 100 * Signals.power(all, all.length / 2, 4000, 3000, 16000), "energy at 1 kHz");
            try {
                dec.decode(new byte[] {1, 2, 3}); // any bytes are G.722 codes: no error expected, no crash allowed
            } catch (MediaException fine) {
                // refusing is fine too
            }
        }
        assertThrows(MediaException.class, () -> new AudioEncoder(Codec.G722, 8000, 1, 0));
    }

    @Test
    void mp3DecoderOpensAndSurvivesBrokenBytes() {
        try (AudioDecoder dec = new AudioDecoder(Codec.MP3, null, 44100, 2)) {
            assertEquals(Codec.MP3, dec.codec());
            byte[] junk = new byte[417];
            new java.util.Random(7).nextBytes(junk);
            try {
                float[][] pcm = dec.decode(junk);
                assertTrue(pcm.length >= 1, "channels");
            } catch (MediaException expected) {
                // refusing the bytes is fine; crashing or hanging is not
            }
        }
    }
}
