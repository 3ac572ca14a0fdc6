package org.estuary.verticles.mixer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.estuary.verticles.mixer.XmlLayoutNode.Align;

/**
 * One parsed layout file: the rectangles of its {@code video} elements on a canvas, and which
 * input goes where. Geometry: the {@code body} is the canvas; each child gets its size (absent =
 * the parent's inside; pixels; percent of the parent's inside; columns/rows = the parent's inside
 * divided by its number of children) and its place by {@code align}, plus {@code x}/{@code y};
 * paddings shrink an element's inside. Inputs are matched to videos in three passes: an input's
 * {@code videoPositionId} takes the video with that {@code id}; each video with a stream name
 * template takes the first remaining input (in the order they were added) whose whole name
 * matches it; the remaining inputs fill the remaining template-less videos in document order.
 */
final class XmlLayout {
    /** A video element's rectangle on the canvas. */
    record Position(Tile tile, String id, Pattern template) { }

    final String file;
    private final XmlLayoutNode body;
    private final int videos;

    XmlLayout(String file, XmlLayoutNode body) {
        this.file = file;
        this.body = body;
        this.videos = count(body);
    }

    int videoCount() {
        return videos;
    }

    boolean hasId(String id) {
        return hasId(body, id);
    }

    private static boolean hasId(XmlLayoutNode n, String id) {
        if (id.equals(n.id())) {
            return true;
        }
        for (XmlLayoutNode c : n.children()) {
            if (hasId(c, id)) {
                return true;
            }
        }
        return false;
    }

    private static int count(XmlLayoutNode n) {
        int c = n.isVideo() ? 1 : 0;
        for (XmlLayoutNode k : n.children()) {
            c += count(k);
        }
        return c;
    }

    /** Every video's rectangle, in document order, on a canvas {@code width} x {@code height}. */
    List<Position> positions(int width, int height) {
        List<Position> out = new ArrayList<>();
        place(body, 0, 0, width, height, out);
        return out;
    }

    /** {@code n} sits at ({@code x}, {@code y}) with size {@code w} x {@code h}: record it or lay out its children. */
    private static void place(XmlLayoutNode n, int x, int y, int w, int h, List<Position> out) {
        int cx = x + n.padLeft();
        int cy = y + n.padTop();
        int cw = Math.max(0, w - n.padLeft() - n.padRight());
        int ch = Math.max(0, h - n.padTop() - n.padBottom());
        if (n.isVideo()) {
            out.add(new Position(new Tile(cx, cy, cw, ch, n.crop()), n.id(), n.template()));
            return;
        }
        List<XmlLayoutNode> kids = n.children();
        int k = kids.size();
        int[] ws = new int[k];
        int[] hs = new int[k];
        int runW = 0;
        int runH = 0;
        Align runHAlign = null;
        Align runVAlign = null;
        for (int i = 0; i < k; i++) {
            XmlLayoutNode c = kids.get(i);
            ws[i] = c.width().resolve(cw, k);
            hs[i] = c.height().resolve(ch, k);
            if (c.align().inlineHorizontal()) {
                runW += ws[i];
                runHAlign = runHAlign == null ? c.align() : runHAlign;
            } else if (c.align().inlineVertical()) {
                runH += hs[i];
                runVAlign = runVAlign == null ? c.align() : runVAlign;
            }
        }
        // an inline run starts at the inside's start, or centred when its first item says _CENTER
        int nextX = runHAlign != null && runHAlign.centredRun() ? cx + (cw - runW) / 2 : cx;
        int nextY = runVAlign != null && runVAlign.centredRun() ? cy + (ch - runH) / 2 : cy;
        for (int i = 0; i < k; i++) {
            XmlLayoutNode c = kids.get(i);
            Align a = c.align();
            int px;
            int py;
            if (a.inlineHorizontal()) {
                px = nextX;
                nextX += ws[i];
                py = a.centredRun() ? cy + (ch - hs[i]) / 2 : cy;
            } else if (a.inlineVertical()) {
                py = nextY;
                nextY += hs[i];
                px = a.centredRun() ? cx + (cw - ws[i]) / 2 : cx;
            } else {
                px = a.x(cx, cw, ws[i]);
                py = a.y(cy, ch, hs[i]);
            }
            place(c, px + c.x(), py + c.y(), ws[i], hs[i], out);
        }
    }

    /**
     * The tile of each input (null = no place for it), given the inputs' names and the position
     * ids they asked for (null entries = none).
     */
    List<Tile> arrange(List<String> names, List<String> positionIds, int width, int height) {
        List<Position> pos = positions(width, height);
        Tile[] tiles = new Tile[names.size()];
        boolean[] taken = new boolean[pos.size()];
        boolean[] placed = new boolean[names.size()];
        // 1. videoPositionId -> the video with that id
        for (int i = 0; i < names.size(); i++) {
            String want = i < positionIds.size() ? positionIds.get(i) : null;
            for (int p = 0; want != null && p < pos.size(); p++) {
                if (!taken[p] && want.equals(pos.get(p).id())) {
                    take(tiles, taken, placed, i, p, pos);
                    break;
                }
            }
        }
        // 2. videos with a stream name template take the first matching input
        for (int p = 0; p < pos.size(); p++) {
            Pattern t = pos.get(p).template();
            for (int i = 0; t != null && !taken[p] && i < names.size(); i++) {
                if (!placed[i] && t.matcher(names.get(i)).matches()) {
                    take(tiles, taken, placed, i, p, pos);
                }
            }
        }
        // 3. the rest, in order, into the remaining videos without a template
        int p = 0;
        for (int i = 0; i < names.size(); i++) {
            if (placed[i]) {
                continue;
            }
            while (p < pos.size() && (taken[p] || pos.get(p).template() != null)) {
                p++;
            }
            if (p < pos.size()) {
                take(tiles, taken, placed, i, p, pos);
            }
        }
        return Arrays.asList(tiles);
    }

    private static void take(Tile[] tiles, boolean[] taken, boolean[] placed, int input, int position,
                             List<Position> pos) {
        tiles[input] = pos.get(position).tile();
        taken[position] = true;
        placed[input] = true;
    }
}
