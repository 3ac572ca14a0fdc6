package org.estuary.verticles.mixer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Screen sharing: the first input whose name contains the keyword gets the big tile, the others
 * share a strip along the top (a quarter of the height). Without such an input it is a grid.
 */
final class DesktopLayout implements MixerLayout {
    private final String keyword;
    private final MixerLayout fallback;

    DesktopLayout(String keyword, MixerLayout fallback) {
        this.keyword = keyword.toLowerCase(Locale.ROOT);
        this.fallback = fallback;
    }

    @Override
    public String name() { return "desktop"; }

    /** The index of the screen-share input, or -1. */
    int desktopIndex(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!keyword.isEmpty() && names.get(i).toLowerCase(Locale.ROOT).contains(keyword)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public List<Tile> arrange(List<String> inputNames, int width, int height) {
        int desktop = desktopIndex(inputNames);
        if (desktop < 0) {
            return fallback.arrange(inputNames, width, height);
        }
        int others = inputNames.size() - 1;
        int strip = others == 0 ? 0 : height / 4;
        List<Tile> stripTiles = new ArrayList<>();
        if (others > 0) {
            int cellW = width / others;
            int w = Math.min(cellW, strip * 4 / 3);   // keep strip tiles roughly 4:3
            int start = (width - w * others) / 2;
            for (int i = 0; i < others; i++) {
                stripTiles.add(new Tile(start + i * w + 2, 2, w - 4, strip - 4));
            }
        }
        List<Tile> tiles = new ArrayList<>(inputNames.size());
        int next = 0;
        for (int i = 0; i < inputNames.size(); i++) {
            tiles.add(i == desktop ? new Tile(0, strip, width, height - strip) : stripTiles.get(next++));
        }
        return tiles;
    }
}
