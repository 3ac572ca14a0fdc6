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
}
