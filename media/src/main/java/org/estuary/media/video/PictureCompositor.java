package org.estuary.media.video;

/**
 * Drawing of pictures into pictures, for a mixer: copy a whole picture, paste a (smaller) picture
 * at a position, paint a rectangle. Positions and sizes are in luma pixels and are rounded down to
 * even values so a chroma sample always covers the same 2x2 block in source and destination.
 * Everything is clipped to the destination; nothing here allocates native memory.
 */
public final class PictureCompositor {
    private byte[] row = new byte[0];

    /** Copies {@code src} (same size as {@code dst}) over {@code dst}, e.g. a background. */
    public void copy(DecodedPicture src, DecodedPicture dst) {
        if (src.width() != dst.width() || src.height() != dst.height()) {
            throw new IllegalArgumentException("copy needs equal sizes: " + src + " vs " + dst);
        }
        paste(src, dst, 0, 0);
    }

    /** Draws {@code src} with its top-left corner at ({@code x}, {@code y}) of {@code dst}. */
    public void paste(DecodedPicture src, DecodedPicture dst, int x, int y) {
        x &= ~1;
        y &= ~1;
        dst.makeWritable();
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            int dx = x >> shift;
            int dy = y >> shift;
            int sx = Math.max(0, -dx);
            int sy = Math.max(0, -dy);
            int w = Math.min(src.planeWidth(p) - sx, dst.planeWidth(p) - Math.max(dx, 0));
            int h = Math.min(src.planeHeight(p) - sy, dst.planeHeight(p) - Math.max(dy, 0));
            if (w <= 0 || h <= 0) {
                continue;
            }
            byte[] buf = buffer(w);
            for (int line = 0; line < h; line++) {
                src.readRow(p, sy + line, sx, buf, 0, w);
                dst.writeRow(p, Math.max(dy, 0) + line, Math.max(dx, 0), buf, 0, w);
            }
        }
    }

    /**
     * Draws {@code src} with its top-left corner at ({@code x}, {@code y}) of {@code dst}, only inside
     * the rectangle ({@code clipX}, {@code clipY}, {@code clipW}, {@code clipH}): a picture larger than
     * its place, cut to it (a mixer tile that crops instead of letterboxing).
     */
    public void paste(DecodedPicture src, DecodedPicture dst, int x, int y, int clipX, int clipY, int clipW, int clipH) {
        x &= ~1;
        y &= ~1;
        clipX &= ~1;
        clipY &= ~1;
        dst.makeWritable();
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            int dx = x >> shift;
            int dy = y >> shift;
            int left = Math.max(Math.max(dx, clipX >> shift), 0);
            int top = Math.max(Math.max(dy, clipY >> shift), 0);
            int right = Math.min(Math.min(dx + src.planeWidth(p), (clipX + clipW) >> shift), dst.planeWidth(p));
            int bottom = Math.min(Math.min(dy + src.planeHeight(p), (clipY + clipH) >> shift), dst.planeHeight(p));
            int w = right - left;
            if (w <= 0 || bottom <= top) {
                continue;
            }
            byte[] buf = buffer(w);
            for (int line = top; line < bottom; line++) {
                src.readRow(p, line - dy, left - dx, buf, 0, w);
                dst.writeRow(p, line, left, buf, 0, w);
            }
        }
    }

    /** Paints a rectangle of {@code dst} one colour (studio-range Y/U/V). */
    public void fill(DecodedPicture dst, int x, int y, int width, int height, int yv, int uv, int vv) {
        x = Math.max(0, x & ~1);
        y = Math.max(0, y & ~1);
        dst.makeWritable();
        int[] values = {yv, uv, vv};
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            int px = x >> shift;
            int py = y >> shift;
            int w = Math.min((width + shift) >> shift, dst.planeWidth(p) - px);
            int h = Math.min((height + shift) >> shift, dst.planeHeight(p) - py);
            if (w <= 0 || h <= 0) {
                continue;
            }
            byte[] buf = buffer(w);
            java.util.Arrays.fill(buf, 0, w, (byte) values[p]);
            for (int line = 0; line < h; line++) {
                dst.writeRow(p, py + line, px, buf, 0, w);
            }
        }
    }

    /** The Y, U, V (studio range, BT.601) of an RGB colour. */
    public static int[] yuv(int r, int g, int b) {
        int y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
        int u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
        int v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
        return new int[] {clamp(y), clamp(u), clamp(v)};
    }

    private byte[] buffer(int n) {
        if (row.length < n) {
            row = new byte[n];
        }
        return row;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
