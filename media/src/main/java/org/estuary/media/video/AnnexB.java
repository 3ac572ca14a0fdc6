package org.estuary.media.video;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Annex-B (start-code delimited) H.264 as encoders emit it, split into NAL units and rewritten in
 * the hub's length-prefixed form. Pure Java.
 */
public final class AnnexB {
    private AnnexB() { }

    /** The NAL units between start codes (00 00 01 or 00 00 00 01), without the start codes. */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        int n = data.length;
        while (i + 2 < n) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    nals.add(trimmed(data, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < n) {
            nals.add(trimmed(data, start, n));
        }
        nals.removeIf(nal -> nal.length == 0);
        return nals;
    }

    /** Drops the zero bytes before the next start code (the 4-byte form's leading zero, trailing_zero_8bits). */
    private static byte[] trimmed(byte[] data, int from, int to) {
        int end = to;
        while (end > from && data[end - 1] == 0) {
            end--;
        }
        byte[] nal = new byte[end - from];
        System.arraycopy(data, from, nal, 0, nal.length);
        return nal;
    }

    /** H.264 NAL unit type (low 5 bits of the header byte). */
    public static int h264Type(byte[] nal) {
        return nal[0] & 0x1F;
    }

    /** NAL units joined with 4-byte big-endian length prefixes. */
    public static byte[] lengthPrefixed(List<byte[]> nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.write(nal.length >>> 24);
            out.write(nal.length >>> 16);
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.write(nal, 0, nal.length);
        }
        return out.toByteArray();
    }
}
