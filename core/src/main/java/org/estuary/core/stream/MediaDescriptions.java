package org.estuary.core.stream;

import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/** Derives what a stream carries from its codec configuration frames, for every ingest protocol. */
public final class MediaDescriptions {
    private MediaDescriptions() { }

    /**
     * The description updated with what {@code config} says (codec, size, frame rate, sample rate,
     * channels). Unparseable records keep the codec and leave the numbers as they were.
     */
    public static MediaDescription apply(MediaDescription d, Frame config) {
        Codec c = config.codec();
        try {
            switch (c) {
                case H264 -> {
                    H264Sps sps = AvcConfig.parse(config.payload()).firstSps();
                    return d.withVideo(c, sps.width(), sps.height(), sps.frameRate() > 0 ? sps.frameRate() : d.fps());
                }
                case H265 -> {
                    HevcConfig h = HevcConfig.parse(config.payload());
                    return d.withVideo(c, h.width(), h.height(), d.fps());
                }
                case AAC -> {
                    AacConfig a = AacConfig.parse(config.payload());
                    return d.withAudio(c, a.sampleRate(), a.channels());
                }
                default -> {
                    return switch (c.type()) {
                        case VIDEO -> d.withVideo(c, d.width(), d.height(), d.fps());
                        case AUDIO -> d.withAudio(c, d.sampleRate(), d.channels());
                        default -> d;
                    };
                }
            }
        } catch (CodecConfigException | RuntimeException e) {
            return c.type() == org.estuary.core.media.TrackType.VIDEO
                    ? d.withVideo(c, d.width(), d.height(), d.fps())
                    : c.type() == org.estuary.core.media.TrackType.AUDIO ? d.withAudio(c, d.sampleRate(), d.channels()) : d;
        }
    }
}
