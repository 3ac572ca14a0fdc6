package org.estuary.verticles.hls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashMap;
import java.util.Map;

/** Keeps files on the heap: a 6 x 2 s window at 1 Mbit/s is about 1.5 MB per stream. */
final class MemorySegmentStore implements SegmentStore {
    private final Map<String, byte[]> files = new HashMap<>();

    @Override
    public void put(String file, byte[] data, boolean segment) {
        files.put(file, data);
    }

    @Override
    public void remove(String file) {
        files.remove(file);
    }

    @Override
    public boolean has(String file) {
        return files.containsKey(file);
    }

    @Override
    public long size(String file) {
        byte[] b = files.get(file);
        return b == null ? 0 : b.length;
    }

    @Override
    public void serve(String file, HttpServerResponse response) {
        byte[] b = files.get(file);
        if (b == null) {
            response.setStatusCode(404).end();
            return;
        }
        response.end(Buffer.buffer(b));
    }

    @Override
    public void close() {
        files.clear();
    }
}
