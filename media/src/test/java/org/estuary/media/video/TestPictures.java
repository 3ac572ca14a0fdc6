package org.estuary.media.video;

/** Synthetic input: a moving luma gradient with a bright block, so encoders have motion to code. */
final class TestPictures {
    private TestPictures() { }

    static DecodedPicture moving(int width, int height, int index, long ptsUs) {
        DecodedPicture p = DecodedPicture.allocate(width, height, ptsUs);
        byte[] y = new byte[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                y[row * width + col] = (byte) (16 + ((col + row + index * 4) % 200));
            }
        }
        int bx = (index * 8) % Math.max(1, width - width / 4);
        for (int row = height / 4; row < height / 2; row++) {
            for (int col = bx; col < bx + width / 4; col++) {
                y[row * width + col] = (byte) 235;
            }
        }
        p.setPlane(0, y);
        return p;
    }
}
