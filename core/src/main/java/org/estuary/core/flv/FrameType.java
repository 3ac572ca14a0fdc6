package org.estuary.core.flv;

/** FLV video frame type, reduced to what a server acts on. */
public enum FrameType {
    /** Keyframe (1) or generated keyframe (4). */
    KEY,
    /** Inter frame (2) or disposable inter frame (3). */
    INTER,
    /** Video info/command frame (5) or a reserved value. */
    OTHER;

    static FrameType of(int bits) {
        return switch (bits) {
            case 1, 4 -> KEY;
            case 2, 3 -> INTER;
            default -> OTHER;
        };
    }
}
