package org.estuary.verticles.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps files in memory: a 6 x 2 s window at 1 Mbit/s is about 1.5 MB per stream.
 *
 * <p>Each file is copied once, when it is made, into a direct buffer that every request then writes
 * as it is (issue 14 item 5): no per-request heap copy of a half-megabyte segment, and no heap to
 * direct copy in Netty. The buffer is freed by the garbage collector once the file has left the
 * window and no write still holds a slice of it, so a segment dropped mid-download stays valid.
 */
final class MemorySegmentStore implements SegmentStore {
    private final Map<String, ByteBuf> files = new HashMap<>();

    @Override
    public void put(String file, byte[] data, boolean segment) {
        files.put(file, direct(data));
    }

    /** A direct copy with no explicit release: its memory goes with its last reference. */
    static ByteBuf direct(byte[] data) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length);
        b.put(data).flip();
        return Unpooled.wrappedBuffer(b);
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
        ByteBuf b = files.get(file);
        return b == null ? 0 : b.readableBytes();
    }

    @Override
    public void serve(String file, HttpServerResponse response) {
        ByteBuf b = files.get(file);
        if (b == null) {
            response.setStatusCode(404).end();
            return;
        }
        // Vert.x writes a slice of it (own indices, never released): the stored buffer is shared as is
        response.end(BufferInternal.buffer(b));
    }

    @Override
    public void close() {
        files.clear();
    }
}
