package org.estuary.verticles.mixer;

/**
 * The output of a mixer: picture size, frame rate, bitrate and layout. Immutable; a
 * {@code /mixer/set_parameter} swaps the whole record.
 *
 * @param layoutName what the request called the layout (echoed as {@code mixerLayoutClass})
 */
record MixerSettings(String layoutName, MixerLayout layout, int width, int height, int fps, int bitrateKbps) {

    /** The problem with these values, or null. */
    String problem() {
        if (width < 64 || height < 64 || width > 3840 || height > 2160) {
            return "mixerVideoWidth/Height " + width + "x" + height + " must be within 64x64..3840x2160";
        }
        if (width % 2 != 0 || height % 2 != 0) {
            return "mixerVideoWidth/Height " + width + "x" + height + " must be even";
        }
        if (fps < 1 || fps > 60) {
            return "mixerVideoFps " + fps + " must be within 1..60";
        }
        if (bitrateKbps < 50 || bitrateKbps > 50_000) {
            return "mixerVideoBitrateKbps " + bitrateKbps + " must be within 50..50000";
        }
        return null;
    }

    MixerSettings with(String layoutName, MixerLayout layout, int width, int height, int fps, int bitrateKbps) {
        return new MixerSettings(layoutName, layout, width, height, fps, bitrateKbps);
    }
}
