package org.estuary.core.config;

/**
 * Buffering of live streams inside the server.
 *
 * @param readerQueueFrames bounded queue per reader, in frames (a reader that falls further behind is dropped or skipped)
 * @param gopCacheMaxFrames frames of the last GOP kept for fast start of new readers (0 = no GOP cache)
 * @param gopCacheMaxBytes  bytes of the last GOP kept for fast start of new readers (0 = no GOP cache)
 */
public record StreamConfig(int readerQueueFrames, int gopCacheMaxFrames, int gopCacheMaxBytes) {

    public static StreamConfig defaults() {
        return new StreamConfig(1024, 600, 16_777_216);
    }
}
