package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

/** Copies PCM between the codecs' native sample formats and planar float {@code [channel][sample]}. */
final class SampleFormats {
    private SampleFormats() { }

    static boolean supported(int fmt) {
        return fmt == AV_SAMPLE_FMT_FLTP || fmt == AV_SAMPLE_FMT_FLT || fmt == AV_SAMPLE_FMT_S16 || fmt == AV_SAMPLE_FMT_S16P;
    }

    /** Reads {@code frame.nb_samples()} samples of {@code channels} channels into planar float. */
    static float[][] read(AVFrame frame, int channels) {
        int n = frame.nb_samples();
        int fch = Math.max(1, frame.ch_layout().nb_channels());
        float[][] out = new float[channels][n];
        int fmt = frame.format();
        if (fmt == AV_SAMPLE_FMT_FLTP || fmt == AV_SAMPLE_FMT_S16P) {
            for (int c = 0; c < channels; c++) {
                int src = Math.min(c, fch - 1);
                if (fmt == AV_SAMPLE_FMT_FLTP) {
                    try (FloatPointer p = new FloatPointer(frame.data(src))) {
                        p.get(out[c], 0, n);
                    }
                } else {
                    short[] s = new short[n];
                    try (ShortPointer p = new ShortPointer(frame.data(src))) {
                        p.get(s, 0, n);
                    }
                    for (int i = 0; i < n; i++) {
                        out[c][i] = s[i] / 32768f;
                    }
                }
            }
        } else if (fmt == AV_SAMPLE_FMT_FLT) {
            float[] all = new float[n * fch];
            try (FloatPointer p = new FloatPointer(frame.data(0))) {
                p.get(all, 0, all.length);
            }
            for (int c = 0; c < channels; c++) {
                int src = Math.min(c, fch - 1);
                for (int i = 0; i < n; i++) {
                    out[c][i] = all[i * fch + src];
                }
            }
        } else if (fmt == AV_SAMPLE_FMT_S16) {
            short[] all = new short[n * fch];
            try (ShortPointer p = new ShortPointer(frame.data(0))) {
                p.get(all, 0, all.length);
            }
            for (int c = 0; c < channels; c++) {
                int src = Math.min(c, fch - 1);
                for (int i = 0; i < n; i++) {
                    out[c][i] = all[i * fch + src] / 32768f;
                }
            }
        } else {
            throw new MediaException("unsupported decoded sample format " + fmt);
        }
        return out;
    }

    /** Writes {@code n} samples from {@code pcm[c][offset..]} into a writable frame of the codec's format. */
    static void write(AVFrame frame, float[][] pcm, int offset, int n) {
        int channels = pcm.length;
        int fmt = frame.format();
        if (fmt == AV_SAMPLE_FMT_FLTP) {
            for (int c = 0; c < channels; c++) {
                try (FloatPointer p = new FloatPointer(frame.data(c))) {
                    p.put(pcm[c], offset, n);
                }
            }
        } else if (fmt == AV_SAMPLE_FMT_FLT) {
            float[] all = new float[n * channels];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    all[i * channels + c] = pcm[c][offset + i];
                }
            }
            try (FloatPointer p = new FloatPointer(frame.data(0))) {
                p.put(all, 0, all.length);
            }
        } else if (fmt == AV_SAMPLE_FMT_S16) {
            short[] all = new short[n * channels];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    float v = Math.max(-1f, Math.min(1f, pcm[c][offset + i]));
                    all[i * channels + c] = (short) Math.round(v * 32767f);
                }
            }
            try (ShortPointer p = new ShortPointer(frame.data(0))) {
                p.put(all, 0, all.length);
            }
        } else {
            throw new MediaException("unsupported encoder sample format " + fmt);
        }
    }
}
