package org.estuary.verticles.mixer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One element of a WCS layout file ({@code body}, {@code row}, {@code div} or {@code video}), its
 * attributes already checked by {@link XmlLayoutParser}. Sizes are {@link Size}s; {@code x}/{@code y}
 * are pixel offsets added to the aligned position; paddings shrink the element's inside.
 *
 * @param template a {@code video}'s stream name pattern (its text or {@code value}), null = any stream
 * @param id       a {@code video}'s position id ({@code /mixer/add videoPositionId}), null = none
 */
record XmlLayoutNode(String tag, int line, Size width, Size height, int x, int y, int padLeft, int padRight,
                     int padTop, int padBottom, Align align, boolean crop, String id, Pattern template,
                     List<XmlLayoutNode> children) {

    boolean isVideo() {
        return tag.equals("video");
    }

    /** A width or height: absent (the parent's whole inside), pixels, percent of the parent, or columns/rows. */
    record Size(Kind kind, double value) {
        enum Kind { AUTO, PIXELS, PERCENT, COLUMNS, ROWS }

        static final Size AUTO = new Size(Kind.AUTO, 0);

        /**
         * The size in pixels within a parent {@code parent} pixels long that has {@code siblings}
         * children: one column (row) is the parent's width (height) divided by that count.
         */
        int resolve(int parent, int siblings) {
            return switch (kind) {
                case AUTO -> parent;
                case PIXELS -> (int) value;
                case PERCENT -> (int) Math.round(parent * value / 100.0);
                case COLUMNS, ROWS -> (int) Math.round(parent * value / Math.max(1, siblings));
            };
        }
    }

    /**
     * Where an element sits in its parent. A single edge keeps the other axis at its start
     * (LEFT = top-left, TOP = top-left, BOTTOM = bottom-left); {@code _CENTER} centres the other
     * axis; CENTER centres both. The INLINE kinds flow siblings one after another in document
     * order, left to right (HORIZONTAL) or top to bottom (VERTICAL); with {@code _CENTER} the run
     * is centred in the parent and each item centred across it.
     */
    enum Align {
        LEFT, RIGHT, TOP, BOTTOM, CENTER, TOP_LEFT, TOP_RIGHT, TOP_CENTER, BOTTOM_LEFT, BOTTOM_RIGHT, BOTTOM_CENTER,
        LEFT_CENTER, RIGHT_CENTER, INLINE_HORIZONTAL, INLINE_HORIZONTAL_CENTER, INLINE_VERTICAL, INLINE_VERTICAL_CENTER;

        boolean inlineHorizontal() {
            return this == INLINE_HORIZONTAL || this == INLINE_HORIZONTAL_CENTER;
        }

        boolean inlineVertical() {
            return this == INLINE_VERTICAL || this == INLINE_VERTICAL_CENTER;
        }

        boolean centredRun() {
            return this == INLINE_HORIZONTAL_CENTER || this == INLINE_VERTICAL_CENTER;
        }

        /** The x of a box {@code w} wide in the inside ({@code cx}, {@code cw}) for the non-inline kinds. */
        int x(int cx, int cw, int w) {
            return switch (this) {
                case RIGHT, TOP_RIGHT, BOTTOM_RIGHT, RIGHT_CENTER -> cx + cw - w;
                case CENTER, TOP_CENTER, BOTTOM_CENTER -> cx + (cw - w) / 2;
                default -> cx;
            };
        }

        /** The y of a box {@code h} high in the inside ({@code cy}, {@code ch}) for the non-inline kinds. */
        int y(int cy, int ch, int h) {
            return switch (this) {
                case BOTTOM, BOTTOM_LEFT, BOTTOM_RIGHT, BOTTOM_CENTER -> cy + ch - h;
                case CENTER, LEFT_CENTER, RIGHT_CENTER -> cy + (ch - h) / 2;
                default -> cy;
            };
        }
    }
}
