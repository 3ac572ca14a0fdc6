package org.estuary.verticles.record;

import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mp4.Mp4Track;
import org.estuary.core.stream.MediaDescription;

/** Turns a stream's codec configuration frames into MP4 track descriptions. */
final class TrackSpecs {
    private TrackSpecs() { }

    /** The video track for a config frame, or null when MP4 cannot carry it. */
    static Mp4Track video(Frame config, MediaDescription d) {
        if (config == null || !Mp4Track.isSupported(config.codec())) {
            return null;
        }
        int w = d.width();
        int h = d.height();
        try {
            if (config.codec() == Codec.H264) {
                H264Sps sps = AvcConfig.parse(config.payload()).firstSps();
                if (sps != null) {
                    w = sps.width();
                    h = sps.height();
                }
            } else if (config.codec() == Codec.H265) {
                HevcConfig hc = HevcConfig.parse(config.payload());
                w = hc.width();
                h = hc.height();
            }
        } catch (CodecConfigException | RuntimeException e) {
            // keep the description's size: the header's size fields are informative only
        }
        return Mp4Track.video(config.codec(), config.payload(), w, h);
    }

    /** The audio track for a config frame (or Opus without one), or null when MP4 cannot carry it. */
    static Mp4Track audio(Frame config, Codec codec, MediaDescription d) {
        if (codec == Codec.OPUS) {
            return Mp4Track.audio(Codec.OPUS, config == null ? null : config.payload(), 48_000,
                    d.channels() > 0 ? d.channels() : 2);
        }
        if (codec != Codec.AAC || config == null) {
            return null;
        }
        try {
            AacConfig a = AacConfig.parse(config.payload());
            return Mp4Track.audio(Codec.AAC, config.payload(), a.sampleRate(), a.channels());
        } catch (CodecConfigException | RuntimeException e) {
            return Mp4Track.audio(Codec.AAC, config.payload(), d.sampleRate(), d.channels());
        }
    }
}
