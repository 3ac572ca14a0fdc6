package org.estuary.verticles.mixer;

import java.util.Locale;

/**
 * Layout names a request may use: our short names ("grid", "center", "desktop") and the
 * reference server's class names (any package, e.g. {@code com.flashphoner.mixerlayout.TestLayout}
 * or {@code ...presentation.GridLayout}); the simple class name decides.
 */
final class MixerLayouts {
    static final int GRID_PADDING = 4;

    private MixerLayouts() { }

    /** The layout for a name, or null when it is not one we know. */
    static MixerLayout byName(String name, String desktopKeyword) {
        if (name == null || name.isBlank()) {
            return grid();
        }
        String simple = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (simple) {
            // TestLayout is the reference's sample custom layout class: a plain grid
            case "grid", "gridlayout", "testlayout" -> grid();
            case "center", "centre", "centernopaddinggridlayout", "cropnopaddinggridlayout" -> new GridLayout("center", 0, true);
            case "desktop", "desktoplayout" -> new DesktopLayout(desktopKeyword, grid());
            default -> null;
        };
    }

    static MixerLayout grid() {
        return new GridLayout("grid", GRID_PADDING, false);
    }
}
