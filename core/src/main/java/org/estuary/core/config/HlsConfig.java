package org.estuary.core.config;

import java.util.Objects;

/**
 * HLS packaging and its HTTP listener.
 *
 * @param port               TCP port (0 = any free port)
 * @param directory          where playlists and segments are written
 * @param segmentDurationSec target segment duration, in seconds
 * @param playlistSegments   segments kept in the live playlist
 * @param autoStart          start HLS for every published stream without an explicit request
 * @param idleTimeoutMs      stop HLS for a stream nobody fetched for this long, in milliseconds (0 = never)
 */
public record HlsConfig(int port, String directory, int segmentDurationSec, int playlistSegments,
                        boolean autoStart, long idleTimeoutMs) {

    public HlsConfig {
        Objects.requireNonNull(directory, "directory");
    }

    public static HlsConfig defaults() {
        return new HlsConfig(8082, "hls", 2, 6, true, 300_000);
    }
}
