package org.estuary.verticles.mixer;

import java.util.ArrayList;
import java.util.List;

/**
 * Inputs in a near-square grid ({@code ceil(sqrt(n))} columns), row by row; a last row that is not
 * full is centred. With padding (the default grid) the background shows between tiles. The
 * "center" layout has no padding and cells of the output's aspect ratio, touching each other, the
 * whole block centred: inputs of that aspect fill their cells exactly.
 */
final class GridLayout implements MixerLayout {
    private final String name;
    private final int padding;
    private final boolean centred;

    GridLayout(String name, int padding, boolean centred) {
        this.name = name;
        this.padding = padding;
        this.centred = centred;
    }

    @Override
    public String name() { return name; }

    @Override
    public List<Tile> arrange(List<String> inputNames, int width, int height) {
        int n = inputNames.size();
        if (!centred || n == 0) {
            return cells(n, 0, 0, width, height, padding);
        }
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int cellW = width / cols;
        int cellH = height / rows;
        if ((long) cellW * height > (long) cellH * width) {
            cellW = (int) ((long) cellH * width / height);
        } else {
            cellH = (int) ((long) cellW * height / width);
        }
        return cells(n, (width - cols * cellW) / 2, (height - rows * cellH) / 2, cols * cellW, rows * cellH, padding);
    }

    /** {@code n} cells filling the rectangle ({@code x}, {@code y}, {@code width}, {@code height}). */
    static List<Tile> cells(int n, int x, int y, int width, int height, int padding) {
        List<Tile> tiles = new ArrayList<>(n);
        if (n == 0) {
            return tiles;
        }
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int cellW = width / cols;
        int cellH = height / rows;
        for (int i = 0; i < n; i++) {
            int row = i / cols;
            int col = i % cols;
            int inRow = Math.min(cols, n - row * cols);
            int rowOffset = (cols - inRow) * cellW / 2;   // centre an incomplete last row
            tiles.add(new Tile(x + rowOffset + col * cellW + padding, y + row * cellH + padding,
                    cellW - 2 * padding, cellH - 2 * padding));
        }
        return tiles;
    }
}
