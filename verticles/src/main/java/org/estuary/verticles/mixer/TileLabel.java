package org.estuary.verticles.mixer;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A participant's name drawn on its tile ({@code streamLabel}): white text on a translucent dark
 * band, rendered with Java2D (headless; needs a font, e.g. DejaVu) and cut to the tile's width
 * with an ellipsis. Pure Java, so the mixer's worker renders it when the tile size changes.
 */
final class TileLabel {
    static final int MAX_LENGTH = 128;
    private static final int PAD = 4;

    private TileLabel() { }

    /** The label as the request gave it, cleaned: control characters out, trimmed; null when empty. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String t = text.replaceAll("\\p{Cntrl}", " ").strip();
        return t.isEmpty() ? null : t;
    }

    /** The label image at most {@code maxWidth} wide, or null when the tile is too small for any. */
    static TileImage render(String text, int fontPx, int maxWidth) {
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, fontPx);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        pg.dispose();
        String shown = fit(text, fm, maxWidth - 2 * PAD);
        if (shown == null) {
            return null;
        }
        int w = Math.min(maxWidth, fm.stringWidth(shown) + 2 * PAD);
        int h = fm.getHeight() + PAD;
        if (w < 2 || h < 2) {
            return null;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(0, 0, 0, 160));
            g.fillRect(0, 0, w, h);
            g.setFont(font);
            g.setColor(Color.WHITE);
            g.drawString(shown, PAD, PAD / 2 + fm.getAscent());
        } finally {
            g.dispose();
        }
        return TileImage.of(img);
    }

    /** The longest prefix (with "...") that fits {@code room} pixels, or null when nothing does. */
    private static String fit(String text, FontMetrics fm, int room) {
        if (fm.stringWidth(text) <= room) {
            return text;
        }
        for (int n = text.length() - 1; n > 0; n--) {
            String s = text.substring(0, n) + "...";
            if (fm.stringWidth(s) <= room) {
                return s;
            }
        }
        return null;
    }
}
