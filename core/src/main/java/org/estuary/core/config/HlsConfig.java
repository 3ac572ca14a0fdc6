package org.estuary.core.config;

import java.util.Objects;

/**
 * HLS packaging and its HTTP listener.
 *
 * @param port               TCP port (0 = any free port)
 * @param directory          where segments are written when {@code storage} is disk
 * @param segmentDurationSec target segment duration, in seconds
 * @param playlistSegments   segments kept in the live playlist
 * @param autoStart          start a stream's HLS agent when its playlist is first requested
 * @param idleTimeoutMs      stop an HLS agent nobody fetched from for this long, in milliseconds (0 = never)
 * @param storage            keep segments in memory or write them to {@code directory}
 * @param lowLatency         low-latency HLS: fMP4 parts, preload hints, blocking playlist reload
 * @param partDurationMs     LL-HLS part target duration, in milliseconds
 */
public record HlsConfig(int port, String directory, int segmentDurationSec, int playlistSegments,
                        boolean autoStart, long idleTimeoutMs, HlsStorage storage, boolean lowLatency,
                        int partDurationMs) {

    public HlsConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(storage, "storage");
    }

    public static HlsConfig defaults() {
        return new HlsConfig(8082, "hls", 2, 6, true, 300_000, HlsStorage.MEMORY, false, 334);
    }
}
