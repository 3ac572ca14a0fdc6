package org.estuary.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Reorder depths read from real encoders' parameter sets (ffmpeg 5.1, {@code -bf 2}). */
class ReorderDepthTest {
    /** libx264 -profile:v high -bf 2, 320x240 at 25 fps: VUI with bitstream_restriction. */
    static final byte[] X264_HIGH_BF2 = HexFormat.of().parseHex("6764000DACD94141FB011000000300100000030320F1429960");
    /** libx265 bframes=2, 320x240. */
    static final byte[] X265_BF2 = HexFormat.of().parseHex(
            "42010101600000030090000003000003003CA00A080F16595924932BC05A020000030002000003003210");

    @Test
    void x264HighWithTwoBFrames() throws CodecConfigException {
        H264Sps sps = H264Sps.parse(X264_HIGH_BF2);
        assertEquals(100, sps.profileIdc());
        assertEquals(320, sps.width());
        assertEquals(240, sps.height());
        assertEquals(25.0, sps.frameRate(), 0.001);
        assertEquals(2, sps.reorderFrames());
    }

    @Test
    void baselineNeverReorders() throws CodecConfigException {
        assertEquals(0, H264Sps.parse(H264SpsTest.X264_720P_BASELINE).reorderFrames());
    }

    @Test
    void x265WithTwoBFrames() throws CodecConfigException {
        assertEquals(2, HevcConfig.spsReorderPictures(X265_BF2));
        int[] size = HevcConfig.spsSize(X265_BF2);
        assertEquals(320, size[0]);
        assertEquals(240, size[1]);
    }
}
