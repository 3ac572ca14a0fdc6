package org.estuary.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264SpsTest {
    static final byte[] X264_720P_BASELINE =
            HexFormat.of().parseHex("6742C01FDA014016E84000000300400000" + "0F03C60CA8");

    @Test
    void realBaseline720p() throws CodecConfigException {
        H264Sps sps = H264Sps.parse(X264_720P_BASELINE);
        assertEquals(66, sps.profileIdc());
        assertEquals(31, sps.levelIdc());
        assertEquals(1280, sps.width());
        assertEquals(720, sps.height());
        assertEquals(30.0, sps.frameRate()); // VUI timing: time_scale 60, units 1
    }

    /** A High profile 1920x1080 SPS (1088 coded, cropped by 8 lines) with 30000/1001 timing. */
    static byte[] high1080p(boolean withScalingMatrix) {
        BitWriter w = new BitWriter();
        w.u(8, 100).u(8, 0).u(8, 40).ue(0); // profile, constraints, level 4.0, sps id
        w.ue(1).ue(0).ue(0).u(1, 0); // chroma 4:2:0, 8-bit luma/chroma, no bypass
        w.u(1, withScalingMatrix ? 1 : 0);
        if (withScalingMatrix) {
            for (int i = 0; i < 8; i++) {
                w.u(1, i == 0 || i == 6 ? 1 : 0);
                if (i == 0 || i == 6) {
                    int size = i < 6 ? 16 : 64;
                    for (int j = 0; j < size; j++) {
                        w.se(j == 0 ? 8 : 0); // arbitrary deltas
                    }
                }
            }
        }
        w.ue(0).ue(0).ue(4); // log2_max_frame_num, poc type 0, log2_max_poc_lsb
        w.ue(4).u(1, 0); // max refs, gaps
        w.ue(119).ue(67); // 120x68 macroblocks
        w.u(1, 1).u(1, 1); // frame_mbs_only, direct_8x8
        w.u(1, 1).ue(0).ue(0).ue(0).ue(4); // crop bottom 4 * 2 = 8 lines
        w.u(1, 1); // vui
        w.u(1, 1).u(8, 1); // aspect ratio 1:1
        w.u(1, 0); // overscan
        w.u(1, 1).u(3, 5).u(1, 0).u(1, 1).u(8, 1).u(8, 1).u(8, 1); // video signal + colour
        w.u(1, 0); // chroma loc
        w.u(1, 1).u(32, 1001).u(32, 60000).u(1, 1); // timing
        return BitWriter.nal(new byte[] {0x67}, w.finish());
    }

    @Test
    void constructedHigh1080pWithCroppingAndTiming() throws CodecConfigException {
        for (boolean scaling : new boolean[] {false, true}) {
            H264Sps sps = H264Sps.parse(high1080p(scaling));
            assertEquals(100, sps.profileIdc());
            assertEquals(1920, sps.width());
            assertEquals(1080, sps.height());
            assertEquals(1, sps.chromaFormatIdc());
            assertEquals(29.97, sps.frameRate(), 0.01);
        }
    }

    @Test
    void emulationPreventionIsHandled() throws CodecConfigException {
        // the x264 SPS has an escaped 00 00 03 00 inside its VUI timing fields
        byte[] nal = X264_720P_BASELINE;
        boolean escaped = false;
        for (int i = 2; i < nal.length; i++) {
            escaped |= nal[i] == 3 && nal[i - 1] == 0 && nal[i - 2] == 0;
        }
        assertEquals(true, escaped, "test SPS should contain an emulation prevention byte");
        assertEquals(30.0, H264Sps.parse(nal).frameRate(), 0.001);
    }

    @Test
    void truncatedAndWrongNalFail() {
        for (int len = 0; len < 8; len++) {
            byte[] cut = Arrays.copyOf(X264_720P_BASELINE, len);
            assertThrows(CodecConfigException.class, () -> H264Sps.parse(cut), "len " + len);
        }
        assertThrows(CodecConfigException.class, () -> H264Sps.parse(new byte[] {0x68, 1, 2, 3, 4}));
    }

    @Test
    void avcConfigRoundTrip() throws CodecConfigException {
        byte[] pps = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
        byte[] record = AvcConfig.build(X264_720P_BASELINE, List.of(pps));
        AvcConfig c = AvcConfig.parse(record);
        assertEquals(66, c.profile());
        assertEquals(0xC0, c.profileCompatibility());
        assertEquals(31, c.level());
        assertEquals(4, c.nalLengthSize());
        assertEquals(1, c.sps().size());
        assertEquals(1, c.pps().size());
        assertEquals("avc1.42C01F", c.codecString());
        assertEquals(1280, c.firstSps().width());
        for (int len = 0; len < record.length; len++) {
            byte[] cut = Arrays.copyOf(record, len);
            assertThrows(CodecConfigException.class, () -> AvcConfig.parse(cut), "len " + len);
        }
    }

    @Test
    void avcConfigRejectsBadVersionAndLengthSize() {
        assertThrows(CodecConfigException.class, () -> AvcConfig.parse(new byte[] {0, 66, 0, 31, -1, -32, 0}));
        assertThrows(CodecConfigException.class, () -> AvcConfig.parse(new byte[] {1, 66, 0, 31, -2, -32, 0}));
    }
}
