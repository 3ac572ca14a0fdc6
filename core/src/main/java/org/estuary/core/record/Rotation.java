package org.estuary.core.record;

import java.util.Locale;

/**
 * When to start a new file: after {@code seconds} of media, or after {@code bytes} written (the
 * reference's {@code record_rotation}: "10" = 10 seconds, "20M" = 20 MB). Zero means never.
 */
public record Rotation(long seconds, long bytes) {
    public static final Rotation NONE = new Rotation(0, 0);

    /** Parses "10", "10s", "20M", "512K", "1G"; blank or "0" = no rotation. */
    public static Rotation parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        char unit = t.charAt(t.length() - 1);
        String digits = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rotation must be seconds (\"10\") or a size (\"20M\"): " + text);
        }
        if (n < 0) {
            throw new IllegalArgumentException("rotation must not be negative: " + text);
        }
        return switch (unit) {
            case 'K' -> new Rotation(0, n * 1024);
            case 'M' -> new Rotation(0, n * 1024 * 1024);
            case 'G' -> new Rotation(0, n * 1024 * 1024 * 1024);
            case 'S' -> new Rotation(n, 0);
            default -> {
                if (!Character.isDigit(unit)) {
                    throw new IllegalArgumentException("unknown rotation unit '" + unit + "' in " + text);
                }
                yield new Rotation(n, 0);
            }
        };
    }

    public boolean enabled() {
        return seconds > 0 || bytes > 0;
    }

    /** True when a file of this duration and size should be closed at the next keyframe. */
    public boolean due(long durationUs, long size) {
        return (seconds > 0 && durationUs >= seconds * 1_000_000L) || (bytes > 0 && size >= bytes);
    }
}
