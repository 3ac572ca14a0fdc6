package org.estuary.verticles.vod;

import org.estuary.core.mp4.Mp4Reader;

/** Where a VOD session reads its MP4 from: a local file or an S3 object. Used by one thread at a time. */
interface VodSource extends Mp4Reader.Source, AutoCloseable {

    /** Bytes fetched from the backing store so far (for S3: the sum of the ranged GETs). */
    long bytesRead();

    @Override
    void close();
}
