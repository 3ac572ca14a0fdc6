package org.estuary.core.config;

/**
 * The RTMP listener.
 *
 * @param port                 TCP port (0 = any free port)
 * @param chunkSize            outgoing chunk size, in bytes (128..65536)
 * @param windowAckSize        window acknowledgement size announced to peers, in bytes
 * @param publishIdleTimeoutMs a live name whose publisher sent nothing for this long may be taken over by a new publisher, in ms
 * @param playWaitTimeoutMs    a player of a not-yet-published name waits this long before NetStream.Play.StreamNotFound, in ms
 * @param handshakeTimeoutMs   the handshake must complete within this time, in ms
 * @param idleTimeoutMs        connections that send nothing for this long are closed, in ms (0 = never)
 * @param maxMessageBytes      largest accepted message, in bytes (RTMP's length field is 24 bits)
 * @param instances            verticle instances; 0 = number of CPU cores (see {@link #effectiveInstances()})
 * @param writeCoalesceMs      players' frames are written at most this often, in ms, so each write carries
 *                             several frames (fewer system calls per player); 0 = write every frame at once
 */
public record RtmpConfig(int port, int chunkSize, int windowAckSize, long publishIdleTimeoutMs, long playWaitTimeoutMs,
                         long handshakeTimeoutMs, long idleTimeoutMs, int maxMessageBytes, int instances,
                         long writeCoalesceMs) {

    public static RtmpConfig defaults() {
        return new RtmpConfig(1935, 4096, 2_500_000, 10_000, 5_000, 10_000, 30_000, 8_388_608, 0, 50);
    }

    /** {@link #instances()}, with 0 replaced by the number of available processors. */
    public int effectiveInstances() {
        return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }
}
