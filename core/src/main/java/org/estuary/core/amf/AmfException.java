package org.estuary.core.amf;

/** Malformed or over-limit AMF data. Checked, so callers must decide how a bad peer is handled. */
public class AmfException extends Exception {
    public AmfException(String message) {
        super(message);
    }
}
