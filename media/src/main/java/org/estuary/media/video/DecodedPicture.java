package org.estuary.media.video;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.estuary.media.audio.MediaException;

/**
 * One decoded picture in planar YUV 4:2:0 (8 bit), owning a native frame until {@link #close()}.
 *
 * <p>Pictures travel through a pipeline <em>borrowed</em>: a stage that receives one may read or
 * change it during the call but must not keep it; whoever created it closes it. The presentation
 * time is mutable so a frame-rate converter can re-stamp the same picture for a duplicate.
 */
public final class DecodedPicture implements AutoCloseable {
    private AVFrame frame;
    private long ptsUs;

    DecodedPicture(AVFrame frame, long ptsUs) {
        this.frame = frame;
        this.ptsUs = ptsUs;
    }

    /** A new black picture of the given size, e.g. for synthetic input or a blank output. */
    public static DecodedPicture allocate(int width, int height, long ptsUs) {
        DecodedPicture p = allocateUninitialised(width, height, ptsUs);
        p.fill(16, 128, 128);
        return p;
    }

    /** A picture whose pixels are about to be overwritten (scaler output). */
    static DecodedPicture allocateUninitialised(int width, int height, long ptsUs) {
        Ff.init();
        if (width < 2 || height < 2 || width > 8192 || height > 8192) {
            throw new MediaException("unsupported picture size " + width + "x" + height);
        }
        AVFrame f = av_frame_alloc();
        f.width(width).height(height).format(AV_PIX_FMT_YUV420P);
        int r = av_frame_get_buffer(f, 32);
        if (r < 0) {
            av_frame_free(f);
            Ff.check(r, "allocating a " + width + "x" + height + " picture");
        }
        return new DecodedPicture(f, ptsUs);
    }

    public int width() { return live().width(); }
    public int height() { return live().height(); }
    public long ptsUs() { return ptsUs; }
    public void setPtsUs(long ptsUs) { this.ptsUs = ptsUs; }

    /** Width of plane 0 (luma) or 1/2 (chroma, rounded up). */
    public int planeWidth(int plane) {
        return plane == 0 ? width() : (width() + 1) / 2;
    }

    public int planeHeight(int plane) {
        return plane == 0 ? height() : (height() + 1) / 2;
    }

    /** A tightly packed copy of one plane (0 = Y, 1 = U, 2 = V). */
    public byte[] plane(int plane) {
        int w = planeWidth(plane);
        int h = planeHeight(plane);
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            readRow(plane, y, 0, out, y * w, w);
        }
        return out;
    }

    /** Replaces one plane with tightly packed samples ({@code planeWidth * planeHeight} bytes). */
    public void setPlane(int plane, byte[] samples) {
        int w = planeWidth(plane);
        int h = planeHeight(plane);
        if (samples.length < w * h) {
            throw new IllegalArgumentException("plane " + plane + " needs " + (w * h) + " bytes");
        }
        makeWritable();
        for (int y = 0; y < h; y++) {
            writeRow(plane, y, 0, samples, y * w, w);
        }
    }

    /** Paints the whole picture one colour (studio-range Y/U/V values). */
    public void fill(int y, int u, int v) {
        makeWritable();
        int[] values = {y, u, v};
        for (int p = 0; p < 3; p++) {
            byte[] row = new byte[planeWidth(p)];
            java.util.Arrays.fill(row, (byte) values[p]);
            for (int line = 0; line < planeHeight(p); line++) {
                writeRow(p, line, 0, row, 0, row.length);
            }
        }
    }

    void readRow(int plane, int line, int x, byte[] dst, int off, int len) {
        AVFrame f = live();
        BytePointer data = f.data(plane);
        data.position((long) line * f.linesize(plane) + x).get(dst, off, len);
    }

    void writeRow(int plane, int line, int x, byte[] src, int off, int len) {
        AVFrame f = live();
        BytePointer data = f.data(plane);
        data.position((long) line * f.linesize(plane) + x).put(src, off, len);
    }

    /** Copies the pixels if the decoder still references them, so in-place drawing is safe. */
    void makeWritable() {
        Ff.check(av_frame_make_writable(live()), "making a picture writable");
    }

    /** Another reference to the same pixels (no copy), closed on its own; drawing on either copies first. */
    DecodedPicture share() {
        AVFrame copy = av_frame_clone(live());
        if (copy == null) {
            throw new MediaException("out of memory referencing a decoded picture");
        }
        return new DecodedPicture(copy, ptsUs);
    }

    AVFrame avFrame() {
        return live();
    }

    private AVFrame live() {
        if (frame == null) {
            throw new IllegalStateException("picture already closed");
        }
        return frame;
    }

    public boolean isClosed() {
        return frame == null;
    }

    @Override
    public void close() {
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
    }

    @Override
    public String toString() {
        return frame == null ? "DecodedPicture{closed}" : "DecodedPicture{" + width() + "x" + height() + " pts=" + ptsUs + '}';
    }
}
