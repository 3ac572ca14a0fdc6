package org.estuary.media.audio;

/** A codec could not be opened or failed on its input; the message says which and why. */
public class MediaException extends RuntimeException {
    public MediaException(String message) {
        super(message);
    }
}
