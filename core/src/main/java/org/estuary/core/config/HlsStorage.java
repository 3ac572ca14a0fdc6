package org.estuary.core.config;

/** Where HLS segments live: in the JVM heap, or as files under {@code hls.directory}. */
public enum HlsStorage {
    MEMORY, DISK
}
