package org.estuary.verticles.webrtc;

/** A WebRTC request that failed, with the HTTP status the caller should answer. */
public final class WebRtcException extends RuntimeException {
    private final int status;

    public WebRtcException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The status of any failure: its own for a WebRtcException, 500 otherwise. */
    public static int status(Throwable t) {
        return t instanceof WebRtcException w ? w.status : 500;
    }
}
