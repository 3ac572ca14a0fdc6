package org.estuary.media.video;

/**
 * Where a watermark goes on the picture. {@code x}/{@code y} are the requested top-left corner;
 * the margins are the least distance kept from each edge. So {@code x = 0, marginLeft = 10} puts
 * it 10 pixels from the left, and a huge {@code x} with {@code marginRight = 10} pins it 10 pixels
 * from the right edge. A watermark larger than the room left is clipped.
 */
public record WatermarkPlacement(int x, int y, int marginTop, int marginLeft, int marginBottom, int marginRight) {

    public static final WatermarkPlacement TOP_LEFT = new WatermarkPlacement(0, 0, 0, 0, 0, 0);

    /** The problem with these values, or null. */
    public String problem() {
        if (x < 0 || y < 0) {
            return "x and y must not be negative";
        }
        if (marginTop < 0 || marginLeft < 0 || marginBottom < 0 || marginRight < 0) {
            return "margins must not be negative";
        }
        return null;
    }

    /** Left edge of a {@code markWidth} wide watermark on a {@code pictureWidth} wide picture. */
    public int left(int pictureWidth, int markWidth) {
        return place(x, marginLeft, marginRight, pictureWidth, markWidth);
    }

    /** Top edge of a {@code markHeight} tall watermark on a {@code pictureHeight} tall picture. */
    public int top(int pictureHeight, int markHeight) {
        return place(y, marginTop, marginBottom, pictureHeight, markHeight);
    }

    private static int place(int pos, int before, int after, int picture, int mark) {
        long p = (long) pos + before;
        long max = (long) picture - mark - after;
        p = Math.min(p, max);        // keep the far margin when there is room
        p = Math.max(p, before);     // the near margin wins when there is not
        return (int) Math.min(p, picture);
    }
}
