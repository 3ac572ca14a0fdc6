package org.estuary.core.config;

import java.util.Objects;

/**
 * Stream mixers ({@code /mixer/*}) and name-driven mixing ({@code user#room}).
 *
 * @param autoStart        publishing {@code user#room} adds {@code user} to mixer {@code room}, creating it
 * @param desktopKeyword   an input whose name contains this gets the big tile (screen sharing)
 * @param layout           default layout: grid | center | desktop (or a reference class name)
 * @param videoWidth       default output width
 * @param videoHeight      default output height
 * @param videoFps         default output frame rate
 * @param videoBitrateKbps default output video bitrate
 * @param holdLastFrameMs  how long a stalled input's last picture stays before its tile shows the background
 * @param background       default background colour (#RRGGBB)
 * @param audioBitrate     output AAC bitrate, bit/s
 * @param decodeThreads    threads that decode a mixer's inputs in parallel (at most the CPU count is used)
 * @param idleTimeoutMs    a mixer none of whose inputs has been receiving for this long stops itself; 0 = never
 * @param labelFontSize    height in pixels of the {@code streamLabel} text drawn on a tile
 * @param layoutsDirectory where WCS XML layout folders live: {@code mixerLayoutDir} names resolve inside it only
 * @param layoutDir        the XML layout folder (inside layoutsDirectory) every mixer starts with; "" = none
 */
public record MixerConfig(boolean autoStart, String desktopKeyword, String layout, int videoWidth, int videoHeight,
                          int videoFps, int videoBitrateKbps, long holdLastFrameMs, String background,
                          int audioBitrate, int decodeThreads, long idleTimeoutMs, int labelFontSize,
                          String layoutsDirectory, String layoutDir) {

    public MixerConfig {
        Objects.requireNonNull(desktopKeyword, "desktopKeyword");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(layoutsDirectory, "layoutsDirectory");
        Objects.requireNonNull(layoutDir, "layoutDir");
    }

    public static MixerConfig defaults() {
        return new MixerConfig(true, "desktop", "grid", 1280, 720, 30, 2000, 2000, "#000000", 128_000, 4, 0, 20,
                "data/mixer-layouts", "");
    }
}
