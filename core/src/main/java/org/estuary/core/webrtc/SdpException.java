package org.estuary.core.webrtc;

/** An SDP offer that cannot be answered; the message names what is wrong (it becomes a 400). */
public final class SdpException extends RuntimeException {
    public SdpException(String message) {
        super(message, null, false, false);
    }
}
