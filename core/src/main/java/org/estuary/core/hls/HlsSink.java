package org.estuary.core.hls;

/** Where a segmenter's files go and who hears about playlist changes. Called on the segmenter's thread. */
public interface HlsSink {
    /** A new file (init segment, part or segment) under {@code name}, e.g. {@code 12.ts}. */
    void put(String name, byte[] data, boolean segment);

    /** A file left the playlist window and may be deleted. */
    void remove(String name);

    /** The playlist gained a part or segment (blocked playlist requests may now be answered). */
    void changed();
}
