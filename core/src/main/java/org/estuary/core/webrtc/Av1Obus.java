package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AV1 OBUs (AV1 bitstream spec §5.3) as the hub carries them: a temporal unit in the "low overhead
 * bitstream format" (§5.2: every OBU with obu_has_size_field=1 and a leb128 size), which decoders
 * (dav1d, libaom) take as is. RTP carries the same OBUs without their size fields (AV1 RTP
 * specification §4.4): {@link #withSize} and {@link #elements} convert between the two.
 */
public final class Av1Obus {
    public static final int SEQUENCE_HEADER = 1;
    public static final int TEMPORAL_DELIMITER = 2;
    public static final int TILE_LIST = 8;
    public static final int PADDING = 15;

    private Av1Obus() { }

    /** The OBU type of an OBU header byte. */
    public static int type(int header) {
        return (header >>> 3) & 0x0F;
    }

    /**
     * One OBU of an RTP element (header, optional extension, payload; a size field, if present, is
     * kept) written with its size field to {@code out}; false when the element is too short.
     */
    public static boolean withSize(byte[] b, int off, int len, ByteArrayOutputStream out) {
        if (len < 1) {
            return false;
        }
        int h = b[off] & 0xFF;
        int head = (h & 0x04) != 0 ? 2 : 1;
        if (len < head) {
            return false;
        }
        if ((h & 0x02) != 0) {
            out.write(b, off, len); // already sized
            return true;
        }
        out.write(h | 0x02);
        if (head == 2) {
            out.write(b[off + 1]);
        }
        writeLeb128(out, len - head);
        out.write(b, off + head, len - head);
        return true;
    }

    /**
     * The OBUs of a low-overhead temporal unit as RTP elements: size fields removed, temporal
     * delimiters, tile lists and padding dropped (AV1 RTP §5: they are not sent). Null when the unit
     * does not parse.
     */
    public static List<byte[]> elements(byte[] tu) {
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        while (off < tu.length) {
            int h = tu[off] & 0xFF;
            int head = (h & 0x04) != 0 ? 2 : 1;
            if (off + head > tu.length) {
                return null;
            }
            int payloadOff;
            long size;
            if ((h & 0x02) != 0) {
                long[] leb = readLeb128(tu, off + head);
                if (leb == null) {
                    return null;
                }
                size = leb[0];
                payloadOff = off + head + (int) leb[1];
            } else {
                payloadOff = off + head;
                size = tu.length - payloadOff; // the last OBU may go without a size
            }
            if (size < 0 || payloadOff + size > tu.length) {
                return null;
            }
            int type = type(h);
            if (type != TEMPORAL_DELIMITER && type != TILE_LIST && type != PADDING) {
                byte[] e = new byte[head + (int) size];
                e[0] = (byte) (h & ~0x02);
                if (head == 2) {
                    e[1] = tu[off + 1];
                }
                System.arraycopy(tu, payloadOff, e, head, (int) size);
                out.add(e);
            }
            off = payloadOff + (int) size;
        }
        return out;
    }

    /** True when the temporal unit holds a sequence header (browsers send one with every key frame). */
    public static boolean hasSequenceHeader(byte[] tu) {
        List<byte[]> e = elements(tu);
        return e != null && e.stream().anyMatch(o -> type(o[0] & 0xFF) == SEQUENCE_HEADER);
    }

    static void writeLeb128(ByteArrayOutputStream out, long v) {
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    static int leb128Size(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** {value, bytes read} of the leb128 at {@code off}; null when cut short or longer than 8 bytes. */
    static long[] readLeb128(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (off + i >= b.length) {
                return null;
            }
            int x = b[off + i] & 0xFF;
            v |= (long) (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                return new long[] {v, i + 1};
            }
        }
        return null;
    }
}
