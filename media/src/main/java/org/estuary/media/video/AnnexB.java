package org.estuary.media.video;

import java.util.List;
import org.estuary.core.codec.AnnexBReader;

/**
 * Annex-B (start-code delimited) H.264 as encoders emit it, split into NAL units and rewritten in
 * the hub's length-prefixed form. The byte work is core's {@link AnnexBReader}; this class keeps
 * the names the video pipeline uses.
 */
public final class AnnexB {
    private AnnexB() { }

    /** The NAL units between start codes (00 00 01 or 00 00 00 01), without the start codes. */
    public static List<byte[]> split(byte[] data) {
        return AnnexBReader.split(data);
    }

    /** H.264 NAL unit type (low 5 bits of the header byte). */
    public static int h264Type(byte[] nal) {
        return nal[0] & 0x1F;
    }

    /** NAL units joined with 4-byte big-endian length prefixes. */
    public static byte[] lengthPrefixed(List<byte[]> nals) {
        return AnnexBReader.toLengthPrefixed(nals);
    }
}
