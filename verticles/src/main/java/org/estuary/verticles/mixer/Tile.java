package org.estuary.verticles.mixer;

/**
 * Where one input goes on the output picture (luma pixels, even values).
 *
 * @param crop fill the tile, cutting the picture's overflow around its centre, instead of fitting it whole
 */
record Tile(int x, int y, int width, int height, boolean crop) {
    Tile(int x, int y, int width, int height) {
        this(x, y, width, height, false);
    }

    Tile {
        x &= ~1;
        y &= ~1;
        width = Math.max(2, width & ~1);
        height = Math.max(2, height & ~1);
    }

    int centreX() { return x + width / 2; }
    int centreY() { return y + height / 2; }

    /** The largest rectangle of the picture's aspect ratio that fits this tile, centred in it. */
    Tile fit(int pictureWidth, int pictureHeight) {
        if (pictureWidth <= 0 || pictureHeight <= 0) {
            return this;
        }
        long wByH = (long) width * pictureHeight;
        long hByW = (long) height * pictureWidth;
        int w;
        int h;
        if (wByH <= hByW) {
            w = width;
            h = (int) (wByH / pictureWidth);
        } else {
            h = height;
            w = (int) (hByW / pictureHeight);
        }
        w = Math.max(2, w & ~1);
        h = Math.max(2, h & ~1);
        return new Tile(x + (width - w) / 2, y + (height - h) / 2, w, h);
    }

    /** The smallest rectangle of the picture's aspect ratio that covers this tile, centred on it. */
    Tile cover(int pictureWidth, int pictureHeight) {
        if (pictureWidth <= 0 || pictureHeight <= 0) {
            return this;
        }
        long wByH = (long) width * pictureHeight;
        long hByW = (long) height * pictureWidth;
        int w;
        int h;
        if (wByH >= hByW) {
            w = width;
            h = (int) ((wByH + pictureWidth - 1) / pictureWidth);
        } else {
            h = height;
            w = (int) ((hByW + pictureHeight - 1) / pictureHeight);
        }
        w = Math.max(2, (w + 1) & ~1);
        h = Math.max(2, (h + 1) & ~1);
        return new Tile(x - (w - width) / 2, y - (h - height) / 2, w, h);
    }
}
