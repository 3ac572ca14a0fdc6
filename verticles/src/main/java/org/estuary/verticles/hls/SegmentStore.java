package org.estuary.verticles.hls;

import io.vertx.core.http.HttpServerResponse;

/** Where one agent's files live while they are in the playlist. Event-loop confined. */
interface SegmentStore {
    /** Stores a file; {@code segment} tells full segments (maybe on disk) from parts and init segments. */
    void put(String file, byte[] data, boolean segment);

    void remove(String file);

    boolean has(String file);

    /** Size in bytes, 0 if absent. */
    long size(String file);

    /** Sends the file as the response body (headers already set). */
    void serve(String file, HttpServerResponse response);

    /** Drops every file (and the agent's directory). */
    void close();
}
