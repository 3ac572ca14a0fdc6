package org.estuary.core.rtmp;

/** The peer broke the RTMP protocol or a safety limit; the connection should be closed. */
public class RtmpProtocolException extends Exception {
    public RtmpProtocolException(String message) {
        super(message);
    }
}
