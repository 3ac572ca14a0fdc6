package org.estuary.core.flv;

/** A truncated or malformed FLV tag body. */
public class FlvException extends Exception {
    public FlvException(String message) {
        super(message);
    }
}
