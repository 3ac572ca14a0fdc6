package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;

/** Builds an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3) from VPS, SPS and PPS NAL units. */
final class HevcRecord {
    private HevcRecord() { }

    /** Null when the SPS is too short to hold its profile_tier_level. */
    static byte[] build(byte[] vps, byte[] sps, byte[] pps) {
        byte[] rbsp = unescape(sps);
        if (rbsp.length < 15) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(rbsp, 3, 12);      // profile space/tier/idc, compatibility flags, constraint flags, level
        out.write(0xF0);             // reserved + min_spatial_segmentation_idc = 0
        out.write(0x00);
        out.write(0xFC);             // reserved + parallelismType = 0
        out.write(0xFC | 1);         // reserved + chroma_format_idc (4:2:0 assumed; decoders read the SPS)
        out.write(0xF8);             // reserved + bit_depth_luma_minus8 = 0
        out.write(0xF8);             // reserved + bit_depth_chroma_minus8 = 0
        out.write(0);                // avgFrameRate
        out.write(0);
        out.write(0x0F);             // constantFrameRate 0, 1 temporal layer, nested, 4-byte lengths
        out.write(3);
        array(out, 32, vps);
        array(out, 33, sps);
        array(out, 34, pps);
        return out.toByteArray();
    }

    private static void array(ByteArrayOutputStream out, int type, byte[] nal) {
        out.write(0x80 | type);
        out.write(0);
        out.write(1);
        out.write(nal.length >>> 8);
        out.write(nal.length);
        out.write(nal, 0, nal.length);
    }

    /** Removes emulation prevention bytes (00 00 03). */
    static byte[] unescape(byte[] nal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nal.length);
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }
}
