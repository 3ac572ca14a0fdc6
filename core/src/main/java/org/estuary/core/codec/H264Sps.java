package org.estuary.core.codec;

/**
 * The parts of an H.264 sequence parameter set the server needs: profile, level, display size
 * (after cropping) and, when the VUI carries timing info, the frame rate.
 *
 * @param frameRate frames per second from VUI timing, 0 if absent or unreadable
 * @param reorderFrames how many frames may precede a frame in decode order but follow it in
 *                      presentation order (VUI max_num_reorder_frames; 0 when the SPS rules out
 *                      reordering: Baseline profile or POC type 2), -1 when the SPS does not say
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height,
                      int chromaFormatIdc, double frameRate, int reorderFrames) {

    /** An SPS whose reorder depth is not known. */
    public H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height,
                   int chromaFormatIdc, double frameRate) {
        this(profileIdc, constraintFlags, levelIdc, width, height, chromaFormatIdc, frameRate, -1);
    }

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
        Vui vui = new Vui();
        if (r.bitsLeft() > 0 && r.readBit()) {
            try {
                readVui(r, vui);
            } catch (CodecConfigException e) {
                // a truncated VUI must not lose the size we already have
            }
        }
        int reorder = vui.reorderFrames;
        if (profile == 66 || pocType == 2) {
            reorder = 0; // no B slices in Baseline; POC type 2 means output order = decode order
        }
        return new H264Sps(profile, constraints, level, (int) width, (int) height, chroma, vui.fps, reorder);
    }

    /** What the VUI tells beyond the picture: frame rate and reorder depth. */
    private static final class Vui {
        double fps;
        int reorderFrames = -1;
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

    private static void readVui(BitReader r, Vui vui) throws CodecConfigException {
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
        if (r.readBit()) { // timing_info_present_flag
            long unitsInTick = r.readBits(32);
            long timeScale = r.readBits(32);
            if (unitsInTick != 0) {
                vui.fps = timeScale / (2.0 * unitsInTick); // one frame is two field ticks
            }
            r.readBit(); // fixed_frame_rate_flag
        }
        boolean nalHrd = r.readBit();
        if (nalHrd) {
            skipHrd(r);
        }
        boolean vclHrd = r.readBit();
        if (vclHrd) {
            skipHrd(r);
        }
        if (nalHrd || vclHrd) {
            r.readBit(); // low_delay_hrd_flag
        }
        r.readBit(); // pic_struct_present_flag
        if (r.readBit()) { // bitstream_restriction_flag
            r.readBit(); // motion_vectors_over_pic_boundaries_flag
            r.readUe(); // max_bytes_per_pic_denom
            r.readUe(); // max_bits_per_mb_denom
            r.readUe(); // log2_max_mv_length_horizontal
            r.readUe(); // log2_max_mv_length_vertical
            vui.reorderFrames = r.readUe(16); // max_num_reorder_frames
        }
    }

    private static void skipHrd(BitReader r) throws CodecConfigException {
        int cpbCount = r.readUe(31) + 1;
        r.skipBits(8); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < cpbCount; i++) {
            r.readUe(); // bit_rate_value_minus1
            r.readUe(); // cpb_size_value_minus1
            r.readBit(); // cbr_flag
        }
        r.skipBits(20); // four delay/offset lengths of 5 bits
    }
}
