package org.estuary.core.config;

import java.util.Objects;

/**
 * Stream recording.
 *
 * @param directory where recordings are written
 */
public record RecordsConfig(String directory) {

    public RecordsConfig {
        Objects.requireNonNull(directory, "directory");
    }

    public static RecordsConfig defaults() {
        return new RecordsConfig("records");
    }
}
