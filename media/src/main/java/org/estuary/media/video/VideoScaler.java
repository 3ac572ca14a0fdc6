package org.estuary.media.video;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.estuary.media.audio.MediaException;

/**
 * Scales (and converts to YUV 4:2:0) pictures to one output size with swscale. The native context
 * is rebuilt only when the input size or pixel format changes (a source restart).
 */
public final class VideoScaler implements AutoCloseable {
    private final int width;
    private final int height;
    private SwsContext sws;
    private int srcW = -1;
    private int srcH = -1;
    private int srcFmt = -1;

    public VideoScaler(int width, int height) {
        Ff.init();
        if (width < 2 || height < 2 || width > 8192 || height > 8192) {
            throw new MediaException("unsupported output size " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    public int width() { return width; }
    public int height() { return height; }

    /** A new picture of the output size (the caller closes it); the input is left unchanged. */
    public DecodedPicture scale(DecodedPicture in) {
        return convert(in.avFrame(), in.ptsUs());
    }

    /** Converts a native frame of any size/format; used by the decoder for non-4:2:0 output. */
    DecodedPicture convert(AVFrame src, long ptsUs) {
        if (sws == null || src.width() != srcW || src.height() != srcH || src.format() != srcFmt) {
            // bicubic: the ffmpeg CLI's default, so quality and cost compare with it
            sws = sws_getCachedContext(sws, src.width(), src.height(), src.format(),
                    width, height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, null, null, (DoublePointer) null);
            if (sws == null) {
                throw new MediaException("cannot scale " + src.width() + "x" + src.height()
                        + " pixel format " + src.format() + " to " + width + "x" + height);
            }
            srcW = src.width();
            srcH = src.height();
            srcFmt = src.format();
        }
        DecodedPicture out = DecodedPicture.allocateUninitialised(width, height, ptsUs);
        try {
            AVFrame dst = out.avFrame();
            int lines = sws_scale(sws, src.data(), src.linesize(), 0, src.height(), dst.data(), dst.linesize());
            if (lines <= 0) {
                throw new MediaException("scaling failed: " + Ff.error(lines));
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
    }
}
