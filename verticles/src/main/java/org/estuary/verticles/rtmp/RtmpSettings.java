package org.estuary.verticles.rtmp;

/**
 * What the RTMP server needs from the configuration (section {@code rtmp} and {@code stream}).
 *
 * @param bindAddress          interface to listen on
 * @param port                 TCP port (0 = any free port)
 * @param chunkSize            outgoing chunk size
 * @param windowAckSize        acknowledgement window we ask peers for
 * @param publishIdleTimeoutMs a live name whose publisher is silent this long may be taken over
 * @param playWaitTimeoutMs    how long a player waits for a name to be published
 * @param handshakeTimeoutMs   a connection that does not finish the handshake in time is closed
 * @param idleTimeoutMs        a connection with no stream that sends nothing this long is closed
 * @param maxMessageBytes      largest RTMP message accepted
 * @param writeCoalesceMs      players' frames are written at most this often (0 = at once)
 */
public record RtmpSettings(String bindAddress, int port, int chunkSize, long windowAckSize,
                           long publishIdleTimeoutMs, long playWaitTimeoutMs, long handshakeTimeoutMs,
                           long idleTimeoutMs, int maxMessageBytes, long writeCoalesceMs) {
}
