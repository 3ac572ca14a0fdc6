package org.estuary.core.config;

import java.util.List;
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
 * @param abrProfiles        adaptive HLS ladder, entries {@code <height>:<kbit/s>[:<fps>]}; a source gets the
 *                           profiles not taller than itself (at least the smallest, at the source's height)
 */
public record HlsConfig(int port, String directory, int segmentDurationSec, int playlistSegments,
                        boolean autoStart, long idleTimeoutMs, HlsStorage storage, boolean lowLatency,
                        int partDurationMs, List<String> abrProfiles) {
    /** A ladder entry: height in pixels, then kbit/s, then optionally frames per second. */
    public static final String ABR_PROFILE = "\\d{2,4}:\\d{2,6}(:\\d{1,3})?";


    public HlsConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(storage, "storage");
        abrProfiles = List.copyOf(abrProfiles);
    }

    public static HlsConfig defaults() {
        return new HlsConfig(8082, "hls", 2, 6, true, 300_000, HlsStorage.MEMORY, false, 334,
                List.of("720:2500", "360:800", "240:400"));
    }
}
