package org.estuary.core.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15): profile, level, NAL length size and the
 * VPS/SPS/PPS arrays, plus the picture size from the first SPS when it can be read.
 *
 * @param width  luma width after the conformance window, 0 if no readable SPS
 * @param height luma height after the conformance window, 0 if no readable SPS
 */
public record HevcConfig(int profileIdc, int levelIdc, int nalLengthSize, List<byte[]> vps,
                         List<byte[]> sps, List<byte[]> pps, int width, int height) {
    public static final int NAL_VPS = 32;
    public static final int NAL_SPS = 33;
    public static final int NAL_PPS = 34;

    public static HevcConfig parse(byte[] record) throws CodecConfigException {
        AvcConfig.Reader r = new AvcConfig.Reader(record);
        if (r.u8() != 1) {
            throw new CodecConfigException("unsupported HEVC configuration version");
        }
        int profileIdc = r.u8() & 0x1F;
        r.skip(4 + 6); // profile compatibility flags, constraint indicator flags
        int level = r.u8();
        r.skip(2 + 1 + 1 + 1 + 1 + 2); // segmentation, parallelism, chroma, bit depths, avgFrameRate
        int lengthSize = (r.u8() & 0x03) + 1;
        int arrays = r.u8();
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            int type = r.u8() & 0x3F;
            int count = r.u16();
            for (int i = 0; i < count; i++) {
                byte[] nal = r.bytes(r.u16());
                switch (type) {
                    case NAL_VPS -> vps.add(nal);
                    case NAL_SPS -> sps.add(nal);
                    case NAL_PPS -> pps.add(nal);
                    default -> { } // SEI and others: not needed
                }
            }
        }
        int width = 0;
        int height = 0;
        if (!sps.isEmpty()) {
            try {
                int[] size = spsSize(sps.get(0));
                width = size[0];
                height = size[1];
            } catch (CodecConfigException e) {
                // the arrays are still usable without a size
            }
        }
        return new HevcConfig(profileIdc, level, lengthSize, List.copyOf(vps), List.copyOf(sps), List.copyOf(pps),
                width, height);
    }

    /** Width and height from an H.265 SPS NAL unit (with its 2-byte header). */
    public static int[] spsSize(byte[] spsNal) throws CodecConfigException {
        return readSps(spsNal, false);
    }

    /**
     * sps_max_num_reorder_pics of the highest sub-layer: how many pictures may precede a picture in
     * decode order and follow it in output order (0: no reordering, e.g. no B-frames).
     */
    public static int spsReorderPictures(byte[] spsNal) throws CodecConfigException {
        return readSps(spsNal, true)[2];
    }

    /** {width, height} and, when {@code reorder}, a third value: sps_max_num_reorder_pics. */
    private static int[] readSps(byte[] spsNal, boolean reorder) throws CodecConfigException {
        if (spsNal.length < 3) {
            throw new CodecConfigException("HEVC SPS too short");
        }
        BitReader r = new BitReader(BitReader.unescapeRbsp(spsNal, 2, spsNal.length - 2));
        r.skipBits(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.readUnsigned(3);
        r.skipBits(1); // sps_temporal_id_nesting_flag
        r.skipBits(96); // general profile_tier_level: 88 bits of profile + 8 bits of level
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.readBit();
            levelPresent[i] = r.readBit();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skipBits(2L * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skipBits((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        r.readUe(15); // sps_seq_parameter_set_id
        int chroma = r.readUe(3);
        boolean separate = chroma == 3 && r.readBit();
        int width = r.readUe(1 << 16);
        int height = r.readUe(1 << 16);
        if (r.readBit()) { // conformance_window_flag
            int chromaArrayType = separate ? 0 : chroma;
            int subWidth = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
            int subHeight = chromaArrayType == 1 ? 2 : 1;
            width -= subWidth * (r.readUe(1 << 16) + r.readUe(1 << 16));
            height -= subHeight * (r.readUe(1 << 16) + r.readUe(1 << 16));
        }
        if (width <= 0 || height <= 0) {
            throw new CodecConfigException("invalid HEVC picture size " + width + "x" + height);
        }
        if (!reorder) {
            return new int[] {width, height};
        }
        r.readUe(8); // bit_depth_luma_minus8
        r.readUe(8); // bit_depth_chroma_minus8
        r.readUe(12); // log2_max_pic_order_cnt_lsb_minus4
        boolean perSubLayer = r.readBit(); // sps_sub_layer_ordering_info_present_flag
        int reorderPics = 0;
        for (int i = perSubLayer ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
            r.readUe(); // sps_max_dec_pic_buffering_minus1
            reorderPics = r.readUe(16); // sps_max_num_reorder_pics: the last one is the highest layer's
            r.readUe(); // sps_max_latency_increase_plus1
        }
        return new int[] {width, height, reorderPics};
    }
}
