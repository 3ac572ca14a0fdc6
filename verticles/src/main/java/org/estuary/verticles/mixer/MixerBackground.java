package org.estuary.verticles.mixer;

import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.PictureCompositor;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;

/**
 * What shows where no input picture is: a solid colour, or an image (PNG) stretched over the
 * output. The image is kept as a {@link Watermark} (pure Java) and rendered into a native picture
 * of the output size on the worker thread when the size changes.
 */
final class MixerBackground {
    private final String description;
    private final int[] yuv;
    private final Watermark image;
    private final int imageWidth;
    private final int imageHeight;

    private MixerBackground(String description, int[] yuv, Watermark image, int w, int h) {
        this.description = description;
        this.yuv = yuv;
        this.image = image;
        this.imageWidth = w;
        this.imageHeight = h;
    }

    static MixerBackground colour(String description, int rgb) {
        return new MixerBackground(description, PictureCompositor.yuv((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF),
                null, 0, 0);
    }

    static MixerBackground image(String description, Watermark image) {
        return new MixerBackground(description, PictureCompositor.yuv(0, 0, 0), image, image.width(), image.height());
    }

    /** "#RRGGBB", "0xRRGGBB" or "RRGGBB" as an RGB value, or -1 when the text is not a colour. */
    static int parseColour(String text) {
        String t = text.trim();
        if (t.startsWith("#")) {
            t = t.substring(1);
        } else if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (!t.matches("[0-9a-fA-F]{6}")) {
            return -1;
        }
        return Integer.parseInt(t, 16);
    }

    String description() { return description; }

    /** Renders the background into a new picture of the given size (the caller closes it). */
    DecodedPicture render(int width, int height, PictureCompositor compositor) {
        DecodedPicture p = DecodedPicture.allocate(width, height, 0);
        compositor.fill(p, 0, 0, width, height, yuv[0], yuv[1], yuv[2]);
        if (image != null) {
            // centred; an image larger than the output is clipped (Watermark clips)
            image.apply(p, new WatermarkPlacement(Math.max(0, (width - imageWidth) / 2),
                    Math.max(0, (height - imageHeight) / 2), 0, 0, 0, 0));
        }
        return p;
    }
}
