package org.estuary.core.cmaf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds nested ISO BMFF boxes in memory: {@link #open(String)} reserves the size field,
 * {@link #close()} patches it. Sizes are 32-bit (fragments and init segments stay far below 4 GiB).
 */
final class BoxWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private final Deque<Integer> starts = new ArrayDeque<>();
    private byte[] patched;

    BoxWriter open(String type) {
        starts.push(out.size());
        u32(0);
        fourCc(type);
        return this;
    }

    /** A full box: type, version and 24-bit flags. */
    BoxWriter openFull(String type, int version, int flags) {
        open(type);
        u8(version);
        u8(flags >> 16);
        u8(flags >> 8);
        u8(flags);
        return this;
    }

    BoxWriter close() {
        int start = starts.pop();
        byte[] all = out.toByteArray();
        int size = all.length - start;
        all[start] = (byte) (size >>> 24);
        all[start + 1] = (byte) (size >>> 16);
        all[start + 2] = (byte) (size >>> 8);
        all[start + 3] = (byte) size;
        out.reset();
        out.write(all, 0, all.length);
        return this;
    }

    BoxWriter u8(int v) {
        out.write(v);
        return this;
    }

    BoxWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    BoxWriter u32(long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
        return this;
    }

    BoxWriter u64(long v) {
        u32(v >>> 32);
        u32(v);
        return this;
    }

    BoxWriter zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    BoxWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    BoxWriter fourCc(String t) {
        byte[] b = t.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4) {
            throw new IllegalArgumentException("box type must be 4 characters: " + t);
        }
        return bytes(b);
    }

    /** The unity transformation matrix of mvhd/tkhd. */
    BoxWriter matrix() {
        u32(0x00010000).u32(0).u32(0);
        u32(0).u32(0x00010000).u32(0);
        u32(0).u32(0).u32(0x40000000);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        if (!starts.isEmpty()) {
            throw new IllegalStateException("unclosed boxes: " + starts.size());
        }
        return out.toByteArray();
    }
}
