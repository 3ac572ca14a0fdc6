package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class WatermarkTest {

    @Test
    void blendMath() {
        assertEquals(100, Watermark.blend(100, 200, 0), "transparent keeps the picture");
        assertEquals(200, Watermark.blend(100, 200, 255), "opaque takes the mark");
        assertEquals(150, Watermark.blend(100, 200, 128));
        assertEquals(255, Watermark.blend(255, 255, 77));
        assertEquals(0, Watermark.blend(0, 0, 200));
    }

    @Test
    void placementKeepsMarginsAndClamps() {
        WatermarkPlacement p = new WatermarkPlacement(0, 0, 5, 10, 0, 0);
        assertEquals(10, p.left(640, 64));
        assertEquals(5, p.top(360, 64));
        WatermarkPlacement right = new WatermarkPlacement(100_000, 100_000, 0, 0, 20, 30);
        assertEquals(640 - 64 - 30, right.left(640, 64));
        assertEquals(360 - 64 - 20, right.top(360, 64));
        assertEquals(40, new WatermarkPlacement(40, 0, 0, 0, 0, 0).left(640, 64));
        assertNotNull(new WatermarkPlacement(-1, 0, 0, 0, 0, 0).problem());
    }

    @Test
    void opaqueMagentaPngLandsAtItsPlaceAndTransparentPartsDoNot() throws Exception {
        // 32x16: left half opaque magenta, right half fully transparent
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, x < 16 ? 0xFFFF00FF : 0x00FF00FF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Watermark w = Watermark.fromPng(png.toByteArray());
        assertEquals(32, w.width());
        try (DecodedPicture pic = DecodedPicture.allocate(128, 64, 0)) {
            pic.fill(60, 128, 128);
            w.apply(pic, new WatermarkPlacement(20, 10, 0, 0, 0, 0));
            byte[] y = pic.plane(0);
            byte[] u = pic.plane(1);
            byte[] v = pic.plane(2);
            int magentaY = y[(10 + 5) * 128 + 20 + 5] & 0xFF;
            assertEquals(107, magentaY, 1, "BT.601 studio-range luma of magenta");
            assertEquals(202, u[(5 + 2) * 64 + 10 + 2] & 0xFF, 1, "magenta Cb");
            assertEquals(222, v[(5 + 2) * 64 + 10 + 2] & 0xFF, 1, "magenta Cr");
            assertEquals(60, y[(10 + 5) * 128 + 20 + 20] & 0xFF, "transparent half leaves the picture");
            assertEquals(128, u[(5 + 2) * 64 + 10 + 10] & 0xFF);
            assertEquals(60, y[5 * 128 + 25] & 0xFF, "above the mark untouched");
            assertEquals(60, y[(10 + 5) * 128 + 10] & 0xFF, "left of the mark untouched");
        }
    }

    @Test
    void halfTransparentBlendsAndClipsAtTheEdge() {
        int[] argb = new int[8 * 8];
        java.util.Arrays.fill(argb, 0x80FFFFFF);   // white at alpha 128
        Watermark w = Watermark.fromArgb(8, 8, argb);
        try (DecodedPicture pic = DecodedPicture.allocate(16, 16, 0)) {
            pic.fill(16, 128, 128);
            w.apply(pic, new WatermarkPlacement(12, 12, 0, 0, 0, 0));   // clamps to 8,8
            byte[] y = pic.plane(0);
            assertEquals(Watermark.blend(16, 235, 128), y[15 * 16 + 15] & 0xFF);
            assertEquals(16, y[7 * 16 + 7] & 0xFF);
        }
    }

    @Test
    void garbageIsNotAnImage() {
        assertThrows(org.estuary.media.audio.MediaException.class, () -> Watermark.fromPng(new byte[] {1, 2, 3}));
    }
}
