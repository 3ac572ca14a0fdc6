package org.estuary.verticles.mixer;

import java.util.List;

/**
 * Places the inputs of a mixer on its output picture. Called again whenever inputs come and go
 * or the output size changes, so a layout only computes geometry (pure function, no state).
 */
interface MixerLayout {
    /** Short name shown as {@code mixerLayoutClass}. */
    String name();

    /** One tile per input name, in the same order. */
    List<Tile> arrange(List<String> inputNames, int width, int height);

    /**
     * Like {@link #arrange(List, int, int)}, with the position each input asked for
     * ({@code videoPositionId}; null entries = none). Only XML layouts have positions; a null tile
     * means the layout has no place for that input (it is heard, not seen).
     */
    default List<Tile> arrange(List<String> inputNames, List<String> positionIds, int width, int height) {
        return arrange(inputNames, width, height);
    }
}
