package org.estuary.core.media;

/**
 * The picture size a transcoder makes for a requested size: {@code 0} follows the source with its
 * aspect ratio kept, sides are even (H.264 4:2:0) and within 16..4096. In the shared media model because the HLS master
 * announces the size of CDN renditions before their transcoder runs, and must say the same.
 */
public final class OutputSize {
    private OutputSize() {
    }

    /** {width, height} for a request of {@code reqW} x {@code reqH} from a {@code srcW} x {@code srcH} source. */
    public static int[] of(int reqW, int reqH, int srcW, int srcH) {
        int w = reqW;
        int h = reqH;
        if (w == 0 && h == 0) {
            w = srcW;
            h = srcH;
        } else if (w == 0) {
            w = (int) Math.round((double) srcW * h / srcH);
        } else if (h == 0) {
            h = (int) Math.round((double) srcH * w / srcW);
        }
        return new int[] {Math.max(16, Math.min(4096, w & ~1)), Math.max(16, Math.min(4096, h & ~1))};
    }
}
