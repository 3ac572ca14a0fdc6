package org.estuary.verticles.push;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.WavAudio;
import org.junit.jupiter.api.Test;

/** The transponder's audio path on real AAC: mute, injection, back to the original, one unit out per unit in. */
class TransponderAudioTest {
    static final int RATE = 48000;

    static float[][] sine(double hz, int rate, int ch, int n) {
        float[][] s = new float[ch][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ch; c++) {
                s[c][i] = (float) (0.125 * Math.sin(2 * Math.PI * hz * i / rate));
            }
        }
        return s;
    }

    static double power(float[] x, int from, int n, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s0 = x[i] + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1 + s2 * s2 - k * s1 * s2) / ((double) n * n);
    }

    @Test
    void muteInjectAndRestoreKeepTimestampsAndChangeTheSound() {
        List<Frame> source = new ArrayList<>();
        byte[] asc;
        try (AudioEncoder enc = new AudioEncoder(Codec.AAC, RATE, 2, 128_000)) {
            asc = enc.config();
            List<byte[]> aus = enc.encode(sine(1000, RATE, 2, RATE * 3));
            long t = 0;
            for (byte[] au : aus) {
                source.add(Frame.media(Codec.AAC, t, t, true, au));
                t += 1024L * 1_000_000 / RATE;
            }
        }
        MediaDescription d = MediaDescription.EMPTY.withAudio(Codec.AAC, RATE, 2);
        TransponderAudio audio = new TransponderAudio();
        List<Frame> out = new ArrayList<>();
        out.add(audio.apply(Frame.config(Codec.AAC, 0, asc), d));
        int third = source.size() / 3;
        for (int i = 0; i < source.size(); i++) {
            if (i == third) {
                audio.soundOn(new WavAudio(44100, 1, sine(440, 44100, 1, 44100)), true, () -> { });
            } else if (i == 2 * third) {
                audio.soundOff();
                audio.setMuted(true);
            }
            Frame o = audio.apply(source.get(i), d);
            assertEquals(source.get(i).dtsUs(), o.dtsUs(), "one unit out per unit in, same time");
            out.add(o);
        }
        audio.close();

        float[][] pcm = new float[2][0];
        int[] starts = new int[out.size()];
        try (AudioDecoder dec = AudioDecoder.aac(asc)) {
            for (int i = 1; i < out.size(); i++) {
                starts[i] = pcm[0].length;
                float[][] p = dec.decode(out.get(i).payload());
                float[][] g = new float[2][pcm[0].length + p[0].length];
                for (int c = 0; c < 2; c++) {
                    System.arraycopy(pcm[c], 0, g[c], 0, pcm[c].length);
                    System.arraycopy(p[c], 0, g[c], pcm[c].length, p[c].length);
                }
                pcm = g;
            }
        }
        int n = 8192;
        int orig = starts[third / 2];
        int mixed = starts[third + third / 2];
        int muted = starts[2 * third + third / 2];
        assertTrue(power(pcm[0], orig, n, 1000, RATE) > 0.002, "original 1 kHz");
        assertTrue(power(pcm[0], orig, n, 440, RATE) < 1e-5, "no 440 Hz at first");
        assertTrue(power(pcm[0], mixed, n, 440, RATE) > 0.001, "440 Hz injected: " + power(pcm[0], mixed, n, 440, RATE));
        assertTrue(power(pcm[0], mixed, n, 1000, RATE) > 0.002, "1 kHz still there: " + power(pcm[0], mixed, n, 1000, RATE));
        assertTrue(power(pcm[0], muted, n, 1000, RATE) < 1e-7, "muted");
    }

    @Test
    void aSoundPlayedOnceEndsByItselfAndReportsIt() {
        byte[] asc;
        List<byte[]> aus;
        try (AudioEncoder enc = new AudioEncoder(Codec.AAC, RATE, 1, 64_000)) {
            asc = enc.config();
            aus = enc.encode(sine(1000, RATE, 1, RATE));
        }
        MediaDescription d = MediaDescription.EMPTY.withAudio(Codec.AAC, RATE, 1);
        boolean[] ended = {false};
        try (TransponderAudio audio = new TransponderAudio()) {
            audio.apply(Frame.config(Codec.AAC, 0, asc), d);
            // a 0.1 s sound at another rate: ends after about five 21 ms units
            audio.soundOn(new WavAudio(16000, 2, sine(440, 16000, 2, 1600)), false, () -> ended[0] = true);
            int units = 0;
            for (byte[] au : aus) {
                Frame f = Frame.media(Codec.AAC, units * 21_333L, units * 21_333L, true, au);
                assertNotNull(audio.apply(f, d));
                units++;
                if (ended[0]) {
                    break;
                }
            }
            assertTrue(ended[0], "the end is reported");
            assertTrue(units >= 5 && units <= 8, "after the sound's length: " + units + " units");
            Frame after = Frame.media(Codec.AAC, 0, 0, true, aus.get(20));
            assertSame(after, audio.apply(after, d), "back to the original units");
        }
    }
}
