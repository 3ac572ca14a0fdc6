package org.estuary.core.mp4;

/** The file is not an MP4 this reader can play (not ISO-BMFF, truncated, fragmented, unknown codec). */
public final class Mp4FormatException extends Exception {
    public Mp4FormatException(String message) {
        super(message);
    }
}
