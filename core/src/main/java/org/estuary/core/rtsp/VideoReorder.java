package org.estuary.core.rtsp;

import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.media.Codec;

/** Reads the reorder depth and frame rate a decoder configuration record's SPS declares. */
final class VideoReorder {
    private VideoReorder() { }

    /** Tells {@code timeline} what the record's first SPS says; an unreadable SPS tells nothing. */
    static void declare(Codec codec, byte[] record, DecodeTimeline timeline) {
        try {
            if (codec == Codec.H264) {
                H264Sps sps = AvcConfig.parse(record).firstSps();
                if (sps != null) {
                    timeline.declaredDepth(sps.reorderFrames());
                    timeline.declaredFrameRate(sps.frameRate());
                }
            } else if (codec == Codec.H265) {
                HevcConfig hevc = HevcConfig.parse(record);
                if (!hevc.sps().isEmpty()) {
                    timeline.declaredDepth(HevcConfig.spsReorderPictures(hevc.sps().get(0)));
                }
            }
        } catch (CodecConfigException e) {
            // the depth stays as assumed or learnt from the stream
        }
    }
}
