package org.estuary.core.codec;

/**
 * The parts of an H.264 sequence parameter set the server needs: profile, level, display size
 * (after cropping) and, when the VUI carries timing info, the frame rate.
 *
 * @param frameRate frames per second from VUI timing, 0 if absent or unreadable
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height,
                      int chromaFormatIdc, double frameRate) {

    /** Parses an SPS NAL unit including its one-byte NAL header (type 7). */
    public static H264Sps parse(byte[] spsNal) throws CodecConfigException {
        if (spsNal.length < 4) {
            throw new CodecConfigException("SPS too short");
        }
        if ((spsNal[0] & 0x1F) != 7) {
            throw new CodecConfigException("not an SPS NAL unit: type " + (spsNal[0] & 0x1F));
        }
        byte[] rbsp = BitReader.unescapeRbsp(spsNal, 1, spsNal.length - 1);
        BitReader r = new BitReader(rbsp);
        int profile = r.readUnsigned(8);
        int constraints = r.readUnsigned(8);
        int level = r.readUnsigned(8);
        r.readUe(31); // seq_parameter_set_id
        int chroma = 1;
        boolean separateColourPlanes = false;
        if (hasChromaInfo(profile)) {
            chroma = r.readUe(3);
            if (chroma == 3) {
                separateColourPlanes = r.readBit();
            }
            r.readUe(14); // bit_depth_luma_minus8
            r.readUe(14); // bit_depth_chroma_minus8
            r.readBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.readBit()) { // seq_scaling_matrix_present_flag
                int lists = chroma != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.readBit()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.readUe(12); // log2_max_frame_num_minus4
        int pocType = r.readUe(2);
        if (pocType == 0) {
            r.readUe(12); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.readBit(); // delta_pic_order_always_zero_flag
            r.readSe(); // offset_for_non_ref_pic
            r.readSe(); // offset_for_top_to_bottom_field
            int cycle = r.readUe(255);
            for (int i = 0; i < cycle; i++) {
                r.readSe();
            }
        }
        r.readUe(); // max_num_ref_frames
        r.readBit(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.readUe(1 << 16) + 1;
        int heightMapUnits = r.readUe(1 << 16) + 1;
        boolean frameMbsOnly = r.readBit();
        if (!frameMbsOnly) {
            r.readBit(); // mb_adaptive_frame_field_flag
        }
        r.readBit(); // direct_8x8_inference_flag
        long cropLeft = 0;
        long cropRight = 0;
        long cropTop = 0;
        long cropBottom = 0;
        if (r.readBit()) {
            cropLeft = r.readUe();
            cropRight = r.readUe();
            cropTop = r.readUe();
            cropBottom = r.readUe();
        }
        int chromaArrayType = separateColourPlanes ? 0 : chroma;
        int subWidth = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
        int subHeight = chromaArrayType == 1 ? 2 : 1;
        int fieldFactor = frameMbsOnly ? 1 : 2;
        long width = widthMbs * 16L - subWidth * (cropLeft + cropRight);
        long height = fieldFactor * heightMapUnits * 16L - subHeight * fieldFactor * (cropTop + cropBottom);
        if (width <= 0 || height <= 0) {
            throw new CodecConfigException("cropping leaves no picture: " + width + "x" + height);
        }
        double fps = 0;
        if (r.bitsLeft() > 0 && r.readBit()) {
            try {
                fps = vuiFrameRate(r);
            } catch (CodecConfigException e) {
                fps = 0; // a truncated VUI must not lose the size we already have
            }
        }
        return new H264Sps(profile, constraints, level, (int) width, (int) height, chroma, fps);
    }

    private static boolean hasChromaInfo(int profile) {
        return switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    private static void skipScalingList(BitReader r, int size) throws CodecConfigException {
        long last = 8;
        long next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.readSe() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    private static double vuiFrameRate(BitReader r) throws CodecConfigException {
        if (r.readBit()) { // aspect_ratio_info_present_flag
            if (r.readUnsigned(8) == 255) { // Extended_SAR
                r.skipBits(32);
            }
        }
        if (r.readBit()) { // overscan_info_present_flag
            r.readBit();
        }
        if (r.readBit()) { // video_signal_type_present_flag
            r.skipBits(4);
            if (r.readBit()) { // colour_description_present_flag
                r.skipBits(24);
            }
        }
        if (r.readBit()) { // chroma_loc_info_present_flag
            r.readUe();
            r.readUe();
        }
        if (!r.readBit()) { // timing_info_present_flag
            return 0;
        }
        long unitsInTick = r.readBits(32);
        long timeScale = r.readBits(32);
        if (unitsInTick == 0) {
            return 0;
        }
        return timeScale / (2.0 * unitsInTick); // one frame is two field ticks
    }
}
