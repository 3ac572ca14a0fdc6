package org.estuary.core.config;

import java.util.Objects;

/**
 * RTP media reception and media files.
 *
 * @param portFrom  first port of the range RTP receivers are allocated from
 * @param portTo    last port of that range (inclusive)
 * @param directory where media files are kept
 */
public record MediaConfig(int portFrom, int portTo, String directory) {

    public MediaConfig {
        Objects.requireNonNull(directory, "directory");
    }

    public static MediaConfig defaults() {
        return new MediaConfig(31_000, 35_000, "data/media");
    }
}
