package org.estuary.core.codec;

/**
 * Big-endian bit reader with Exp-Golomb codes, as used by H.264/H.265 parameter sets and AAC
 * configs. Every read is bounds checked and fails with {@link CodecConfigException}.
 */
public final class BitReader {
    private final byte[] data;
    private final int endBit;
    private int bit;

    public BitReader(byte[] data) {
        this(data, 0, data.length);
    }

    public BitReader(byte[] data, int off, int len) {
        if (off < 0 || len < 0 || off + len > data.length) {
            throw new IndexOutOfBoundsException("bad range " + off + "+" + len);
        }
        this.data = data;
        this.bit = off * 8;
        this.endBit = (off + len) * 8;
    }

    public int bitsLeft() {
        return endBit - bit;
    }

    public boolean readBit() throws CodecConfigException {
        return readBits(1) == 1;
    }

    /** Reads up to 32 bits as an unsigned value. */
    public long readBits(int n) throws CodecConfigException {
        if (n < 0 || n > 32) {
            throw new IllegalArgumentException("can read 0..32 bits, not " + n);
        }
        need(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 1 | ((data[bit >>> 3] >>> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    public int readUnsigned(int n) throws CodecConfigException {
        if (n > 31) {
            throw new IllegalArgumentException("use readBits for 32 bits");
        }
        return (int) readBits(n);
    }

    public void skipBits(long n) throws CodecConfigException {
        if (n < 0 || n > bitsLeft()) {
            throw new CodecConfigException("bitstream overrun: skip " + n + " bits with " + bitsLeft() + " left");
        }
        bit += (int) n;
    }

    /** Unsigned Exp-Golomb ue(v), limited to 32 bits of value. */
    public long readUe() throws CodecConfigException {
        int zeros = 0;
        while (!readBit()) {
            if (++zeros > 31) {
                throw new CodecConfigException("Exp-Golomb code longer than 32 bits");
            }
        }
        return (1L << zeros) - 1 + readBits(zeros);
    }

    /** ue(v) that must not exceed {@code max}: keeps loop counts and sizes from a bitstream sane. */
    public int readUe(int max) throws CodecConfigException {
        long v = readUe();
        if (v > max) {
            throw new CodecConfigException("value " + v + " exceeds " + max);
        }
        return (int) v;
    }

    /** Signed Exp-Golomb se(v). */
    public long readSe() throws CodecConfigException {
        long k = readUe();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    private void need(int n) throws CodecConfigException {
        if (n > bitsLeft()) {
            throw new CodecConfigException("bitstream overrun: need " + n + " bits, " + bitsLeft() + " left");
        }
    }

    /** Removes emulation prevention bytes (00 00 03 → 00 00) from a NAL unit. */
    public static byte[] unescapeRbsp(byte[] nal, int off, int len) {
        byte[] out = new byte[len];
        int n = 0;
        int zeros = 0;
        for (int i = off; i < off + len; i++) {
            int b = nal[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return n == len ? out : java.util.Arrays.copyOf(out, n);
    }
}
