package org.estuary.core.mp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer with nested box support: {@link #begin(String)} reserves the
 * size field, {@link #end()} patches it once the children are written.
 */
final class BoxBuffer {
    private byte[] buf = new byte[256];
    private int len;
    private int[] open = new int[16];
    private int depth;

    int length() { return len; }

    byte[] toByteArray() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed box");
        }
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    BoxBuffer u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    BoxBuffer u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    BoxBuffer u24(int v) {
        return u8(v >>> 16).u8(v >>> 8).u8(v);
    }

    BoxBuffer u32(long v) {
        return u8((int) (v >>> 24)).u8((int) (v >>> 16)).u8((int) (v >>> 8)).u8((int) v);
    }

    BoxBuffer u64(long v) {
        return u32(v >>> 32).u32(v & 0xFFFFFFFFL);
    }

    BoxBuffer zeros(int n) {
        ensure(n);
        len += n; // the array is zero-filled beyond len: bytes are only ever appended
        return this;
    }

    BoxBuffer bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    BoxBuffer fourcc(String type) {
        byte[] b = type.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) {
            throw new IllegalArgumentException("box type must be 4 chars: " + type);
        }
        return bytes(b);
    }

    /** Opens a box: size placeholder + type. */
    BoxBuffer begin(String type) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = len;
        return u32(0).fourcc(type);
    }

    /** Opens a full box (version + flags). */
    BoxBuffer beginFull(String type, int version, int flags) {
        return begin(type).u8(version).u24(flags);
    }

    /** Closes the innermost box, writing its size. */
    BoxBuffer end() {
        int start = open[--depth];
        int size = len - start;
        buf[start] = (byte) (size >>> 24);
        buf[start + 1] = (byte) (size >>> 16);
        buf[start + 2] = (byte) (size >>> 8);
        buf[start + 3] = (byte) size;
        return this;
    }

    /** Overwrites 4 bytes already written at {@code pos}. */
    void patch32(int pos, long v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    /** The unity transformation matrix of mvhd/tkhd. */
    BoxBuffer matrix() {
        return u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000);
    }
}
