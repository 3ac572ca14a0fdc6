package org.estuary.core.sip;

/** G.711 mu-law (PCMU) and A-law (PCMA), ITU-T G.711, as tables. Samples are signed 16-bit. */
public final class G711 {
    private static final short[] ULAW_DECODE = new short[256];
    private static final short[] ALAW_DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_DECODE[i] = ulawToLinear(i);
            ALAW_DECODE[i] = alawToLinear(i);
        }
    }

    private G711() { }

    public static short decodeUlaw(int b) {
        return ULAW_DECODE[b & 0xFF];
    }

    public static short decodeAlaw(int b) {
        return ALAW_DECODE[b & 0xFF];
    }

    public static byte encodeUlaw(int sample) {
        final int bias = 0x84;
        final int clip = 32635;
        int sign = sample < 0 ? 0x80 : 0;
        int s = Math.min(Math.abs(sample), clip) + bias;
        int exp = 7;
        for (int mask = 0x4000; exp > 0 && (s & mask) == 0; mask >>= 1) {
            exp--;
        }
        int mant = (s >> (exp + 3)) & 0x0F;
        return (byte) ~(sign | (exp << 4) | mant);
    }

    public static byte encodeAlaw(int sample) {
        int sign = sample >= 0 ? 0x80 : 0;
        int s = Math.min(sample >= 0 ? sample : -sample - 1, 32767) >> 3; // 13-bit magnitude
        int seg;
        if (s < 32) {
            seg = 0;
            s >>= 1;
        } else {
            seg = 1;
            for (int v = s >> 5; v > 1; v >>= 1) {
                seg++;
            }
            s = (s >> seg) & 0x0F;
        }
        return (byte) ((sign | (seg << 4) | (s & 0x0F)) ^ 0x55);
    }

    private static short ulawToLinear(int u) {
        u = ~u & 0xFF;
        int t = ((u & 0x0F) << 3) + 0x84;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    private static short alawToLinear(int a) {
        a ^= 0x55;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        if (seg == 0) {
            t += 8;
        } else if (seg == 1) {
            t += 0x108;
        } else {
            t += 0x108;
            t <<= seg - 1;
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
