package org.estuary.media.video;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.estuary.media.audio.MediaException;

/**
 * A PNG watermark prepared for blending into YUV 4:2:0 pictures: converted once to studio-range
 * BT.601 Y/U/V planes plus a per-pixel alpha (and a 2x2-averaged alpha for the chroma planes).
 * Decoded with javax.imageio (pure Java, works headless). Blending is
 * {@code out = (a * mark + (255 - a) * picture) / 255}, rounded.
 */
public final class Watermark {
    private final int width;
    private final int height;
    private final byte[] y;
    private final byte[] alpha;
    private final byte[] u;
    private final byte[] v;
    private final byte[] chromaAlpha;

    private Watermark(int width, int height, int[] argb) {
        this.width = width;
        this.height = height;
        y = new byte[width * height];
        alpha = new byte[width * height];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            y[i] = (byte) clamp((66 * r + 129 * g + 25 * b + 128 >> 8) + 16);
            alpha[i] = (byte) (p >>> 24);
        }
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        u = new byte[cw * ch];
        v = new byte[cw * ch];
        chromaAlpha = new byte[cw * ch];
        for (int cy = 0; cy < ch; cy++) {
            for (int cx = 0; cx < cw; cx++) {
                // average the 2x2 block, colour weighted by alpha so transparent pixels add no tint
                long sr = 0;
                long sg = 0;
                long sb = 0;
                int sa = 0;
                int count = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int px = Math.min(2 * cx + dx, width - 1);
                        int py = Math.min(2 * cy + dy, height - 1);
                        int p = argb[py * width + px];
                        int a = p >>> 24;
                        sr += (long) ((p >> 16) & 0xFF) * a;
                        sg += (long) ((p >> 8) & 0xFF) * a;
                        sb += (long) (p & 0xFF) * a;
                        sa += a;
                        count++;
                    }
                }
                int i = cy * cw + cx;
                chromaAlpha[i] = (byte) ((sa + count / 2) / count);
                if (sa == 0) {
                    u[i] = (byte) 128;
                    v[i] = (byte) 128;
                } else {
                    int r = (int) (sr / sa);
                    int g = (int) (sg / sa);
                    int b = (int) (sb / sa);
                    u[i] = (byte) clamp((-38 * r - 74 * g + 112 * b + 128 >> 8) + 128);
                    v[i] = (byte) clamp((112 * r - 94 * g - 18 * b + 128 >> 8) + 128);
                }
            }
        }
    }

    /** Reads a PNG (or any image javax.imageio knows); images without alpha are opaque. */
    public static Watermark fromPng(byte[] png) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new MediaException("cannot read the watermark image: " + e.getMessage());
        }
        if (img == null) {
            throw new MediaException("the watermark is not an image javax.imageio can read");
        }
        if (img.getWidth() > 4096 || img.getHeight() > 4096) {
            throw new MediaException("watermark " + img.getWidth() + "x" + img.getHeight() + " is larger than 4096x4096");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        return new Watermark(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    }

    /** A watermark from ARGB pixels (row major), e.g. for tests or generated overlays. */
    public static Watermark fromArgb(int width, int height, int[] argb) {
        if (width < 1 || height < 1 || argb.length < width * height) {
            throw new IllegalArgumentException("need " + width + "x" + height + " ARGB pixels");
        }
        return new Watermark(width, height, argb);
    }

    public int width() { return width; }
    public int height() { return height; }

    /** One blended sample: {@code (a * mark + (255 - a) * base) / 255}, rounded to nearest. */
    public static int blend(int base, int mark, int alpha) {
        return (alpha * mark + (255 - alpha) * base + 127) / 255;
    }

    /** Draws the watermark into {@code picture} in place (copying first if the decoder shares it). */
    public void apply(DecodedPicture picture, WatermarkPlacement placement) {
        int pw = picture.width();
        int ph = picture.height();
        // even corner: one chroma sample then covers exactly the same 2x2 luma block as the mark's
        int left = placement.left(pw, width) & ~1;
        int top = placement.top(ph, height) & ~1;
        int w = Math.min(width, pw - left);
        int h = Math.min(height, ph - top);
        if (w <= 0 || h <= 0) {
            return;
        }
        picture.makeWritable();
        byte[] row = new byte[w];
        for (int line = 0; line < h; line++) {
            picture.readRow(0, top + line, left, row, 0, w);
            blendRow(row, y, alpha, line * width, w);
            picture.writeRow(0, top + line, left, row, 0, w);
        }
        int cw = (width + 1) / 2;
        int cwOut = Math.min((w + 1) / 2, picture.planeWidth(1) - left / 2);
        int chOut = Math.min((h + 1) / 2, picture.planeHeight(1) - top / 2);
        byte[] crow = new byte[Math.max(cwOut, 0)];
        for (int line = 0; line < chOut; line++) {
            for (int plane = 1; plane <= 2; plane++) {
                picture.readRow(plane, top / 2 + line, left / 2, crow, 0, cwOut);
                blendRow(crow, plane == 1 ? u : v, chromaAlpha, line * cw, cwOut);
                picture.writeRow(plane, top / 2 + line, left / 2, crow, 0, cwOut);
            }
        }
    }

    private static void blendRow(byte[] row, byte[] mark, byte[] markAlpha, int markOffset, int n) {
        for (int i = 0; i < n; i++) {
            int a = markAlpha[markOffset + i] & 0xFF;
            if (a == 0) {
                continue;
            }
            row[i] = (byte) blend(row[i] & 0xFF, mark[markOffset + i] & 0xFF, a);
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
