package org.estuary.media.snapshot;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Frame;
import org.estuary.media.audio.MediaException;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.VideoDecoder;

/**
 * Decodes one keyframe with FFmpeg: for codecs JCodec has no decoder for (H.265) and for H.264
 * JCodec cannot read. The decoder lives for this one call and is closed with its pictures.
 */
final class FfmpegSnapshot {
    private FfmpegSnapshot() { }

    static BufferedImage decode(Frame config, Frame keyframe) throws SnapshotException {
        List<DecodedPicture> pictures = new ArrayList<>();
        try (VideoDecoder decoder = new VideoDecoder(keyframe.codec(), config.payload(), 1)) {
            pictures.addAll(decoder.decode(keyframe));
            if (pictures.isEmpty()) {
                pictures.addAll(decoder.flush()); // a decoder with reorder delay holds the picture back
            }
            if (pictures.isEmpty()) {
                throw new SnapshotException(keyframe.codec() + " decoder produced no picture");
            }
            return toImage(pictures.get(0));
        } catch (MediaException e) {
            throw new SnapshotException(keyframe.codec() + " decode failed: " + e.getMessage(), e);
        } finally {
            pictures.forEach(DecodedPicture::close);
        }
    }

    /** BT.601 studio-range YUV 4:2:0 to RGB. */
    private static BufferedImage toImage(DecodedPicture p) {
        int w = p.width();
        int h = p.height();
        byte[] ys = p.plane(0);
        byte[] us = p.plane(1);
        byte[] vs = p.plane(2);
        int cw = p.planeWidth(1);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = (y >> 1) * cw + (x >> 1);
                double luma = 1.164 * ((ys[y * w + x] & 0xFF) - 16);
                double u = (us[c] & 0xFF) - 128;
                double v = (vs[c] & 0xFF) - 128;
                int r = clip(luma + 1.596 * v);
                int g = clip(luma - 0.392 * u - 0.813 * v);
                int b = clip(luma + 2.017 * u);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static int clip(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : (int) Math.round(v);
    }
}
