package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Sample-rate and channel-count conversion of planar float PCM (libswresample). Stateful: feed
 * consecutive blocks of one signal, then {@link #flush()} for the samples the filter still holds.
 */
public final class Resampler implements AutoCloseable {
    private final int inRate;
    private final int inChannels;
    private final int outRate;
    private final int outChannels;
    private SwrContext swr;

    public Resampler(int inRate, int inChannels, int outRate, int outChannels) {
        Ff.init();
        if (inRate <= 0 || outRate <= 0 || inChannels < 1 || outChannels < 1 || inChannels > 8 || outChannels > 8) {
            throw new MediaException("unsupported resampling " + inRate + " Hz/" + inChannels + " ch -> "
                    + outRate + " Hz/" + outChannels + " ch");
        }
        this.inRate = inRate;
        this.inChannels = inChannels;
        this.outRate = outRate;
        this.outChannels = outChannels;
        try (AVChannelLayout in = new AVChannelLayout(); AVChannelLayout out = new AVChannelLayout();
             PointerPointer<SwrContext> holder = new PointerPointer<>(1)) {
            av_channel_layout_default(in, inChannels);
            av_channel_layout_default(out, outChannels);
            // *ps must be a valid context or NULL; native memory from JavaCPP is not zeroed
            swr = swr_alloc();
            if (swr == null) {
                throw new MediaException("cannot allocate a resampler");
            }
            holder.put(0, swr);
            Ff.check(swr_alloc_set_opts2(holder, out, AV_SAMPLE_FMT_FLTP, outRate, in, AV_SAMPLE_FMT_FLTP, inRate, 0, null),
                    "configuring the resampler");
            swr = holder.get(SwrContext.class, 0);
            int r = swr_init(swr);
            if (r < 0) {
                close();
                Ff.check(r, "initialising the resampler");
            }
        }
    }

    public int outRate() { return outRate; }
    public int outChannels() { return outChannels; }

    /** Converts one block ([inChannels][n]); returns what the resampler produced ([outChannels][m]). */
    public float[][] resample(float[][] in) {
        if (in.length != inChannels) {
            throw new IllegalArgumentException("expected " + inChannels + " channels, got " + in.length);
        }
        return convert(in, in[0].length);
    }

    /** The samples still buffered in the filter, once the input has ended. */
    public float[][] flush() {
        return convert(null, 0);
    }

    /** Whole-signal convenience: resample and flush in one go. */
    public static float[][] convertAll(float[][] in, int inRate, int outRate, int outChannels) {
        try (Resampler r = new Resampler(inRate, in.length, outRate, outChannels)) {
            float[][] a = r.resample(in);
            float[][] b = r.flush();
            float[][] all = new float[outChannels][a[0].length + b[0].length];
            for (int c = 0; c < outChannels; c++) {
                System.arraycopy(a[c], 0, all[c], 0, a[0].length);
                System.arraycopy(b[c], 0, all[c], a[0].length, b[0].length);
            }
            return all;
        }
    }

    private float[][] convert(float[][] in, int n) {
        if (swr == null) {
            throw new IllegalStateException("resampler closed");
        }
        int cap = (int) (swr_get_delay(swr, inRate) + (long) n * outRate / inRate + 32);
        FloatPointer[] inBufs = new FloatPointer[inChannels];
        FloatPointer[] outBufs = new FloatPointer[outChannels];
        try (PointerPointer<FloatPointer> inPP = new PointerPointer<>(inChannels);
             PointerPointer<FloatPointer> outPP = new PointerPointer<>(outChannels)) {
            for (int c = 0; c < outChannels; c++) {
                outBufs[c] = new FloatPointer(cap);
                outPP.put(c, outBufs[c]);
            }
            if (in != null) {
                for (int c = 0; c < inChannels; c++) {
                    inBufs[c] = new FloatPointer(Math.max(1, n));
                    inBufs[c].put(in[c], 0, n);
                    inPP.put(c, inBufs[c]);
                }
            }
            int got = swr_convert(swr, outPP, cap, in == null ? null : inPP, n);
            Ff.check(got, "resampling");
            float[][] out = new float[outChannels][got];
            for (int c = 0; c < outChannels; c++) {
                outBufs[c].get(out[c], 0, got);
            }
            return out;
        } finally {
            for (FloatPointer p : inBufs) {
                if (p != null) {
                    p.close();
                }
            }
            for (FloatPointer p : outBufs) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    @Override
    public void close() {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
    }
}
