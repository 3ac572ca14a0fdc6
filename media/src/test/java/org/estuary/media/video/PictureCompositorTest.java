package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PictureCompositorTest {

    @Test
    void pasteClipsAndLandsOnEvenPositions() {
        PictureCompositor c = new PictureCompositor();
        try (DecodedPicture dst = DecodedPicture.allocate(64, 48, 0); DecodedPicture src = DecodedPicture.allocate(20, 10, 0)) {
            src.fill(200, 50, 60);
            c.paste(src, dst, 51, 41);    // odd corner rounds to (50, 40); clipped at the right and bottom
            byte[] y = dst.plane(0);
            assertEquals(200, y[40 * 64 + 50] & 0xFF);
            assertEquals(200, y[47 * 64 + 63] & 0xFF);
            assertEquals(16, y[39 * 64 + 50] & 0xFF);
            assertEquals(16, y[40 * 64 + 49] & 0xFF);
            byte[] u = dst.plane(1);
            assertEquals(50, u[20 * 32 + 25] & 0xFF);
            assertEquals(128, u[19 * 32 + 25] & 0xFF);
            c.paste(src, dst, -10, -4);   // partly off the top-left
            assertEquals(200, dst.plane(0)[0] & 0xFF);
        }
    }

    @Test
    void fillAndCopy() {
        PictureCompositor c = new PictureCompositor();
        try (DecodedPicture a = DecodedPicture.allocate(32, 32, 0); DecodedPicture b = DecodedPicture.allocate(32, 32, 0)) {
            int[] red = PictureCompositor.yuv(255, 0, 0);
            c.fill(a, 8, 8, 8, 8, red[0], red[1], red[2]);
            c.copy(a, b);
            assertEquals(red[0], b.plane(0)[10 * 32 + 10] & 0xFF);
            assertEquals(red[2], b.plane(2)[5 * 16 + 5] & 0xFF);
            assertEquals(16, b.plane(0)[0] & 0xFF);
            assertThrows(IllegalArgumentException.class, () -> {
                try (DecodedPicture small = DecodedPicture.allocate(16, 16, 0)) {
                    c.copy(small, a);
                }
            });
        }
    }
}
