package org.estuary.core.codec;

/** A codec configuration or bitstream that is truncated or malformed. */
public class CodecConfigException extends Exception {
    public CodecConfigException(String message) {
        super(message);
    }
}
