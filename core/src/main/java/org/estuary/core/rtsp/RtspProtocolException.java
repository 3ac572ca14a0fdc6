package org.estuary.core.rtsp;

/** The peer sent something that is not RTSP (or exceeds our limits); the connection is unusable. */
public final class RtspProtocolException extends Exception {
    public RtspProtocolException(String message) {
        super(message);
    }
}
