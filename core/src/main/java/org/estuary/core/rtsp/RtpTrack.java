package org.estuary.core.rtsp;

import java.util.Locale;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtp.Rtcp;

/**
 * One received track of an RTSP session: its SDP media, the depacketiser for its payload format
 * and its place on the session clock. {@link #accept} turns ordered RTP packets into hub frames.
 */
public final class RtpTrack {
    private final Sdp.Media media;
    private final Codec codec;
    private final MediaClock.Track clock;
    private final Consumer<Frame> out;
    private final Depacketizer depacketizer;
    /** Decode times for H.264/H.265 (B-frames arrive out of presentation order); null for other codecs. */
    private final DecodeTimeline timeline;
    private long discardedSeen;
    private long arrivalUs;
    private long frames;

    private RtpTrack(Sdp.Media media, Codec codec, MediaClock clock, Consumer<Frame> out) {
        this.media = media;
        this.codec = codec;
        this.clock = clock.track(media.clockRate());
        this.out = out;
        this.timeline = codec == Codec.H264 || codec == Codec.H265 ? new DecodeTimeline() : null;
        AccessUnitSink sink = new AccessUnitSink() {
            @Override
            public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
                frames++;
                if (timeline == null) {
                    long us = RtpTrack.this.clock.toMicros(rtpTimestamp, arrivalUs);
                    out.accept(Frame.media(codec, us, us, keyframe, payload));
                    return;
                }
                long discardedNow = depacketizer.discarded();
                if (discardedNow != discardedSeen) {
                    discardedSeen = discardedNow;
                    timeline.discontinuity(); // frames were dropped: decode order count restarts
                }
                long pts = RtpTrack.this.clock.toPresentationMicros(rtpTimestamp, arrivalUs);
                out.accept(Frame.media(codec, timeline.dts(pts, keyframe), pts, keyframe, payload));
            }

            @Override
            public void config(byte[] record) {
                if (timeline != null) {
                    VideoReorder.declare(codec, record, timeline);
                }
                out.accept(Frame.config(codec, Math.max(0, arrivalUs), record));
            }
        };
        this.depacketizer = switch (codec) {
            case H264 -> {
                H264Depacketizer d = new H264Depacketizer(sink);
                d.spropParameterSets(media.fmtp("sprop-parameter-sets"));
                yield d;
            }
            case H265 -> {
                H265Depacketizer d = new H265Depacketizer(sink);
                d.spropParameterSets(media.fmtp("sprop-vps"), media.fmtp("sprop-sps"), media.fmtp("sprop-pps"));
                yield d;
            }
            case AAC -> new AacDepacketizer(sink, media.fmtp("config"), intOf(media.fmtp("sizelength"), 13),
                    intOf(media.fmtp("indexlength"), 3), intOf(media.fmtp("indexdeltalength"), 3));
            default -> new FramePerPacketDepacketizer(sink);
        };
    }

    /**
     * A track for {@code media}, or null when its payload format is not supported (the session
     * then does not SETUP it).
     */
    public static RtpTrack of(Sdp.Media media, MediaClock clock, Consumer<Frame> out) {
        Codec c = codecOf(media);
        if (c == null || media.clockRate() <= 0) {
            return null;
        }
        try {
            return new RtpTrack(media, c, clock, out);
        } catch (IllegalArgumentException e) {
            return null; // e.g. an AAC config= that is not hex
        }
    }

    /** The hub codec for an SDP media, null if unsupported. */
    public static Codec codecOf(Sdp.Media m) {
        String enc = m.encoding().toUpperCase(Locale.ROOT);
        return switch (enc) {
            case "H264" -> Codec.H264;
            case "H265", "HEVC" -> Codec.H265;
            case "MPEG4-GENERIC" -> {
                String mode = m.fmtp("mode");
                yield mode == null || mode.equalsIgnoreCase("AAC-hbr") || mode.equalsIgnoreCase("AAC-lbr") ? Codec.AAC : null;
            }
            case "PCMA" -> Codec.PCMA;
            case "PCMU" -> Codec.PCMU;
            case "G722" -> Codec.G722;
            case "OPUS" -> Codec.OPUS;
            default -> null;
        };
    }

    /** Feeds one RTP packet (in sequence order) that arrived at {@code arrivalUs}. */
    public void accept(RtpPacket p, long arrivalUs) {
        this.arrivalUs = arrivalUs;
        depacketizer.accept(p);
    }

    public void senderReport(Rtcp.SenderReport sr) {
        clock.senderReport(sr);
    }

    public Sdp.Media media() { return media; }
    public Codec codec() { return codec; }
    public long frames() { return frames; }
    public long discarded() { return depacketizer.discarded(); }
    public boolean synced() { return clock.synced(); }

    private static int intOf(String v, int dflt) {
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1; // rejected by the depacketiser
        }
    }
}
