package org.estuary.media.snapshot;

/** The keyframe could not be turned into a picture (unsupported codec, corrupt data). */
public final class SnapshotException extends Exception {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
