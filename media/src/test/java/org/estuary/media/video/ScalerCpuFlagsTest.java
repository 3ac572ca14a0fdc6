package org.estuary.media.video;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The scaler gives the same pixels whether FFmpeg is told gathers are slow (SSE4 horizontal scaler)
 * or not (AVX2 gather scaler): FfCpuFlags may set the flag for speed, never for a different picture.
 */
class ScalerCpuFlagsTest {
    @Test
    void slowGatherFlagDoesNotChangeTheScaledPicture() {
        DecodedPicture src = TestPictures.moving(1280, 720, 7, 0);
        for (int plane = 1; plane < 3; plane++) {
            byte[] c = new byte[640 * 360];
            for (int i = 0; i < c.length; i++) {
                c[i] = (byte) (16 + (i * 7 + plane * 31) % 224);   // detail, so every filter tap counts
            }
            src.setPlane(plane, c);
        }
        int before = av_get_cpu_flags();
        try {
            av_force_cpu_flags(before & ~AV_CPU_FLAG_SLOW_GATHER);
            byte[][] gathers = scaled(src);
            av_force_cpu_flags(before | AV_CPU_FLAG_SLOW_GATHER);
            byte[][] noGathers = scaled(src);
            for (int plane = 0; plane < 3; plane++) {
                assertArrayEquals(gathers[plane], noGathers[plane], "plane " + plane);
            }
        } finally {
            av_force_cpu_flags(before);
            src.close();
        }
    }

    private static byte[][] scaled(DecodedPicture src) {
        try (VideoScaler scaler = new VideoScaler(640, 360); DecodedPicture out = scaler.scale(src)) {
            byte[][] planes = new byte[3][];
            for (int p = 0; p < 3; p++) {
                planes[p] = out.plane(p);
            }
            return planes;
        }
    }
}
