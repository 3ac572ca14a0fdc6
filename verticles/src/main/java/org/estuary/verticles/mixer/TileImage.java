package org.estuary.verticles.mixer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.estuary.media.audio.MediaException;
import org.estuary.media.video.Watermark;

/**
 * An ARGB picture drawn over a tile (an input's avatar, its label), kept in pure Java so it can
 * be scaled to whatever size the layout gives the tile, then blended as a {@link Watermark}.
 */
record TileImage(int width, int height, int[] argb) {
    static final int MAX_SIDE = 4096;

    /** Reads a PNG (or any image javax.imageio knows). */
    static TileImage fromPng(byte[] png) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new MediaException("cannot read the image: " + e.getMessage());
        }
        if (img == null) {
            throw new MediaException("not an image javax.imageio can read");
        }
        if (img.getWidth() > MAX_SIDE || img.getHeight() > MAX_SIDE) {
            throw new MediaException("image " + img.getWidth() + "x" + img.getHeight() + " is larger than 4096x4096");
        }
        return of(img);
    }

    static TileImage of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        return new TileImage(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    }

    /** This picture resized to {@code w x h} (nearest sample: avatars are small and redrawn rarely). */
    Watermark scaledTo(int w, int h) {
        if (w == width && h == height) {
            return Watermark.fromArgb(w, h, argb);
        }
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = (int) ((long) y * height / h);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = argb[sy * width + (int) ((long) x * width / w)];
            }
        }
        return Watermark.fromArgb(w, h, out);
    }
}
