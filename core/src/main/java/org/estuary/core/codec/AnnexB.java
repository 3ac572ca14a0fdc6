package org.estuary.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Converts the hub's length-prefixed ("AVCC") H.264/H.265 access units to Annex-B byte streams
 * (start codes) as MPEG-TS carries them: an access unit delimiter first, and the parameter sets
 * in front of every random access point so each HLS segment decodes on its own.
 */
public final class AnnexB {
    private static final byte[] START = {0, 0, 0, 1};
    private static final byte[] H264_AUD = {0x09, (byte) 0xF0};
    private static final byte[] H265_AUD = {0x46, 0x01, 0x50};

    private AnnexB() { }

    /**
     * One H.264 access unit in Annex-B form.
     *
     * @param parameterSets SPS then PPS NAL units to insert before a keyframe (may be empty)
     */
    public static byte[] h264(byte[] avcc, int nalLengthSize, boolean keyframe, List<byte[]> parameterSets) {
        return convert(avcc, nalLengthSize, keyframe, parameterSets, false);
    }

    /** One H.265 access unit in Annex-B form; {@code parameterSets} are VPS, SPS, PPS. */
    public static byte[] h265(byte[] avcc, int nalLengthSize, boolean keyframe, List<byte[]> parameterSets) {
        return convert(avcc, nalLengthSize, keyframe, parameterSets, true);
    }

    private static byte[] convert(byte[] avcc, int lengthSize, boolean keyframe, List<byte[]> sets, boolean hevc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(avcc.length + 64);
        out.writeBytes(START);
        out.writeBytes(hevc ? H265_AUD : H264_AUD);
        boolean hasOwnSets = containsParameterSets(avcc, lengthSize, hevc);
        if (keyframe && !hasOwnSets) {
            for (byte[] nal : sets) {
                out.writeBytes(START);
                out.writeBytes(nal);
            }
        }
        int pos = 0;
        while (pos + lengthSize <= avcc.length) {
            int len = 0;
            for (int i = 0; i < lengthSize; i++) {
                len = len << 8 | (avcc[pos + i] & 0xFF);
            }
            pos += lengthSize;
            if (len <= 0 || len > avcc.length - pos) {
                break; // truncated unit: keep what was whole
            }
            int type = nalType(avcc[pos], hevc);
            boolean aud = hevc ? type == 35 : type == 9;
            if (!aud) {
                out.writeBytes(START);
                out.write(avcc, pos, len);
            }
            pos += len;
        }
        return out.toByteArray();
    }

    private static int nalType(byte header, boolean hevc) {
        return hevc ? (header >> 1) & 0x3F : header & 0x1F;
    }

    /** True when the access unit already carries an SPS (so the config need not be repeated). */
    static boolean containsParameterSets(byte[] avcc, int lengthSize, boolean hevc) {
        int pos = 0;
        while (pos + lengthSize <= avcc.length) {
            int len = 0;
            for (int i = 0; i < lengthSize; i++) {
                len = len << 8 | (avcc[pos + i] & 0xFF);
            }
            pos += lengthSize;
            if (len <= 0 || len > avcc.length - pos) {
                return false;
            }
            int type = nalType(avcc[pos], hevc);
            if (hevc ? type == HevcConfig.NAL_SPS : type == 7) {
                return true;
            }
            pos += len;
        }
        return false;
    }
}
