package org.estuary.core.codec;

import java.io.ByteArrayOutputStream;

/** Test helper: writes bits and Exp-Golomb codes, to build parameter sets field by field. */
final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int bits;

    BitWriter u(int n, long v) {
        for (int i = n - 1; i >= 0; i--) {
            current = current << 1 | (int) (v >>> i & 1);
            if (++bits == 8) {
                out.write(current);
                current = 0;
                bits = 0;
            }
        }
        return this;
    }

    BitWriter ue(long v) {
        long x = v + 1;
        int len = 64 - Long.numberOfLeadingZeros(x);
        u(len - 1, 0);
        return u(len, x);
    }

    BitWriter se(long v) {
        return ue(v > 0 ? 2 * v - 1 : -2 * v);
    }

    /** rbsp_trailing_bits, then the bytes. */
    byte[] finish() {
        u(1, 1);
        while (bits != 0) {
            u(1, 0);
        }
        return out.toByteArray();
    }

    /** Prefixes a NAL header and inserts emulation prevention bytes. */
    static byte[] nal(byte[] header, byte[] rbsp) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(header);
        int zeros = 0;
        for (byte b : rbsp) {
            if (zeros >= 2 && (b & 0xFF) <= 3) {
                o.write(3);
                zeros = 0;
            }
            o.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return o.toByteArray();
    }
}
