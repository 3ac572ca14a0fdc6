package org.estuary.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an Annex-B byte stream (NAL units behind 00 00 01 / 00 00 00 01 start codes), as MPEG-TS
 * and RTP carry H.264/H.265, and re-packs NAL units in the hub's length-prefixed form.
 */
public final class AnnexBReader {
    private AnnexBReader() { }

    /** NAL units in order, without start codes. Bytes before the first start code are ignored. */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int n = data.length;
        int start = -1;
        int i = 0;
        while (i + 2 < n) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    out.add(copyTrimmed(data, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < n) {
            out.add(copyTrimmed(data, start, n));
        }
        out.removeIf(nal -> nal.length == 0);
        return out;
    }

    /** Copies [from, to) without the trailing zero bytes that belong to the next 4-byte start code. */
    private static byte[] copyTrimmed(byte[] data, int from, int to) {
        int end = to;
        while (end > from && data[end - 1] == 0) {
            end--;
        }
        byte[] nal = new byte[end - from];
        System.arraycopy(data, from, nal, 0, nal.length);
        return nal;
    }

    /** Joins NAL units as 4-byte length-prefixed units. */
    public static byte[] toLengthPrefixed(List<byte[]> nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            int len = nal.length;
            out.write(len >>> 24);
            out.write(len >>> 16);
            out.write(len >>> 8);
            out.write(len);
            out.write(nal, 0, len);
        }
        return out.toByteArray();
    }
}
