package org.estuary.core.config;

import java.util.Objects;

/**
 * Stream recording.
 *
 * @param directory    where recordings are written (and served from under {@code /records/})
 * @param fileTemplate file name template without extension; placeholders as in the reference
 *                     ({streamName}, {startTime}, {mediaSessionId}, {login}, ...)
 * @param hook         command run after each finished file with the stream name and the file path
 *                     as $1 $2 ("" = none)
 */
public record RecordsConfig(String directory, String fileTemplate, String hook) {

    public RecordsConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fileTemplate, "fileTemplate");
        Objects.requireNonNull(hook, "hook");
    }

    public static RecordsConfig defaults() {
        return new RecordsConfig("records", "stream-{mediaSessionId}-{login}", "");
    }
}
