package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtp.JitterBuffer;
import org.estuary.core.rtp.Rtcp;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.FramePerPacketDepacketizer;
import org.estuary.core.rtsp.H264Depacketizer;
import org.estuary.core.rtsp.MediaClock;
import org.estuary.core.rtsp.RtpPacket;
import org.estuary.core.webrtc.LossTracker;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.ReceptionStats;
import org.estuary.core.webrtc.Rtx;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.Vp8Depacketizer;
import org.estuary.core.webrtc.Vp9Depacketizer;

/**
 * A browser's published RTP turned into hub frames: per negotiated m-line a jitter buffer, the
 * depacketiser (H.264 STAP-A/FU-A; VP8, RFC 7741; Opus one packet per frame) and one media clock so
 * audio and video stay in sync (RTCP sender reports). H.264 and VP8 go to the stream as they are; Opus goes to
 * {@code audioOut} (the AAC transcoder and the stream's WebRTC players). Runs on the session's event loop.
 */
final class WhipIngest {
    /** Reordering window: loopback and LANs rarely reorder; NACKed packets arrive within ~an RTT. */
    private static final int JITTER_PACKETS = 256;
    private static final long JITTER_MS = 80;
    private static final long NACK_RETRY_MS = 40;

    static final class Track {
        final Codec codec;
        final int payloadType;
        final int clockRate;
        long ssrc;
        /** RFC 3550 reception statistics for receiver reports; made when the first packet arrives. */
        ReceptionStats reception;
        final MediaClock.Track clock;
        final JitterBuffer<RtpPacket> jitter = new JitterBuffer<>(JITTER_PACKETS, JITTER_MS);
        Depacketizer depacketizer;
        /** Gaps to NACK; null when the browser offered no generic NACK for this line (audio). */
        LossTracker loss;
        long packets;
        long keyframes;
        /** The RTX stream (RFC 4588) the browser resends this track's packets on: payload type from the offer, SSRC learnt */
        int rtxPt = -1;
        long rtxSsrc = -1;

        Track(Codec codec, int payloadType, int clockRate, long ssrc, MediaClock.Track clock) {
            this.codec = codec;
            this.payloadType = payloadType;
            this.clockRate = clockRate;
            this.ssrc = ssrc;
            this.clock = clock;
        }
    }

    private final MediaClock clock = new MediaClock();
    private final List<Track> tracks = new ArrayList<>();
    private final Consumer<Frame> videoOut;
    private final OpusAudio audioOut;
    private final WebRtcCounters counters;
    private long unknownSsrc;
    private long malformed;

    /** Where Opus units go, with their stream time. */
    interface OpusAudio {
        /** @param ptsUs the session clock's time; {@code rtpTimestamp} as sent (pass-through players) */
        void opus(long ptsUs, long rtpTimestamp, byte[] unit);
    }

    WhipIngest(List<Negotiation.Line> lines, Consumer<Frame> videoOut, OpusAudio audioOut) {
        this(lines, videoOut, audioOut, null);
    }

    /** @param counters where RTX packets are counted (null: not counted) */
    WhipIngest(List<Negotiation.Line> lines, Consumer<Frame> videoOut, OpusAudio audioOut, WebRtcCounters counters) {
        this.counters = counters;
        this.videoOut = videoOut;
        this.audioOut = audioOut;
        for (Negotiation.Line l : lines) {
            if (!l.accepted()) {
                continue;
            }
            Track t = new Track(l.codec(), l.chosen().pt(), l.chosen().clockRate(), l.offered().primarySsrc(),
                    clock.track(l.chosen().clockRate()));
            if (l.chosen().feedback().stream().anyMatch(f -> f.equalsIgnoreCase("nack"))) {
                // retries 3 times 40 ms apart, within the jitter buffer's wait for a missing packet
                t.loss = new LossTracker(NACK_RETRY_MS, 3, JITTER_MS * 4);
                // the answer accepted the offer's rtx for our codec (SdpAnswer): resends come on it
                SdpOffer.PayloadType rtx = Rtx.payloadTypeFor(l.offered(), l.chosen().pt());
                t.rtxPt = rtx == null || l.codec().type() != org.estuary.core.media.TrackType.VIDEO ? -1 : rtx.pt();
            }
            t.depacketizer = switch (l.codec()) {
                case H264 -> new H264Depacketizer(videoSink(t));
                case VP8 -> new Vp8Depacketizer(videoSink(t));
                case VP9 -> new Vp9Depacketizer(videoSink(t));
                case AV1 -> new org.estuary.core.webrtc.Av1Depacketizer(videoSink(t));
                default -> new FramePerPacketDepacketizer(audioSink(t));
            };
            tracks.add(t);
        }
    }

    /** The track an SSRC belongs to, learning it by payload type when the offer had no a=ssrc; null when unknown. */
    Track trackFor(long ssrc, int payloadType) {
        for (Track t : tracks) {
            if (t.ssrc == ssrc || (t.rtxSsrc == ssrc && ssrc >= 0)) {
                return t;
            }
        }
        for (Track t : tracks) {
            if (t.ssrc < 0 && t.payloadType == payloadType) {
                t.ssrc = ssrc;
                return t;
            }
            if (t.rtxSsrc < 0 && t.rtxPt == payloadType && t.ssrc != ssrc) {
                t.rtxSsrc = ssrc; // the offer's FID group names it too; the payload type is enough
                return t;
            }
        }
        unknownSsrc++;
        return null;
    }

    /** The video track's SSRC (for PLI), -1 when none. */
    long videoSsrc() {
        for (Track t : tracks) {
            if (t.codec.type() == org.estuary.core.media.TrackType.VIDEO) {
                return t.ssrc;
            }
        }
        return -1;
    }

    List<Track> tracks() {
        return tracks;
    }

    boolean hasVideo() {
        return tracks.stream().anyMatch(t -> t.codec.type() == org.estuary.core.media.TrackType.VIDEO);
    }

    long keyframes() {
        return tracks.stream().mapToLong(t -> t.keyframes).sum();
    }

    long unknownSsrc() {
        return unknownSsrc;
    }

    long malformed() {
        return malformed;
    }

    /** A decrypted RTP packet of {@code t} (or of its RTX stream). */
    void rtp(Track t, byte[] pkt, int len, long nowMs) {
        if (t.rtxPt >= 0 && (pkt[1] & 0x7F) == t.rtxPt) {
            rtx(t, pkt, len, nowMs);
            return;
        }
        RtpPacket p = RtpPacket.parse(Arrays.copyOf(pkt, len));
        if (p == null || p.payloadType() != t.payloadType) {
            malformed++;
            return;
        }
        t.packets++;
        if (t.reception == null) {
            t.reception = new ReceptionStats(t.ssrc, t.clockRate);
        }
        t.reception.received(p.sequence(), p.timestamp(), System.nanoTime());
        if (t.loss != null) {
            t.loss.received(p.sequence(), nowMs);
        }
        for (RtpPacket r : t.jitter.push(p.sequence(), p, nowMs)) {
            t.depacketizer.accept(r);
        }
    }

    /**
     * A packet of {@code t}'s RTX stream: the original (OSN as its sequence number, the track's payload
     * type and SSRC) goes into the jitter buffer, where it fills the gap we NACKed. Padding-only packets
     * (the browser probing for bandwidth) carry nothing and are only counted; resends of packets that
     * were not missing (probes too, or a NACK answered twice) are dropped by the jitter buffer as late.
     */
    private void rtx(Track t, byte[] pkt, int len, long nowMs) {
        int plain = Rtx.unpaddedLength(pkt, len);
        int header = plain < 0 ? -1 : Rtx.headerLength(pkt, plain);
        if (header < 0) {
            malformed++;
            return;
        }
        if (plain < header + 2) {
            if (plain == header && (pkt[0] & 0x20) != 0) {
                count(counters == null ? null : counters.rtxPadding);
            } else {
                malformed++; // no room for the OSN
            }
            return;
        }
        byte[] unpadded = Arrays.copyOf(pkt, plain);
        unpadded[0] &= ~0x20;
        byte[] original = Rtx.unwrap(unpadded, plain, t.payloadType, Math.max(0, t.ssrc));
        RtpPacket p = original == null ? null : RtpPacket.parse(original);
        if (p == null) {
            malformed++;
            return;
        }
        count(counters == null ? null : counters.rtxReceived);
        if (t.loss != null && t.loss.received(p.sequence(), nowMs)) {
            count(counters == null ? null : counters.rtxRepaired);
            if (t.reception != null) {
                t.reception.repaired();
            }
        }
        for (RtpPacket r : t.jitter.push(p.sequence(), p, nowMs)) {
            t.depacketizer.accept(r);
        }
    }

    private static void count(java.util.concurrent.atomic.LongAdder a) {
        if (a != null) {
            a.increment();
        }
    }

    /** A decrypted RTCP compound packet: sender reports place tracks on the shared clock. */
    void rtcp(byte[] pkt, int len) {
        for (Rtcp.SenderReport sr : Rtcp.senderReports(Arrays.copyOf(pkt, len))) {
            for (Track t : tracks) {
                if (t.ssrc == sr.ssrc()) {
                    t.clock.senderReport(sr);
                    if (t.reception != null) {
                        t.reception.senderReport(sr.ntpTimestamp(), System.currentTimeMillis());
                    }
                }
            }
        }
    }

    private static long nowUs() {
        return System.nanoTime() / 1000;
    }

    private AccessUnitSink videoSink(Track t) {
        return new AccessUnitSink() {
            private byte[] pendingConfig;

            @Override
            public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
                long us = t.clock.toMicros(rtpTimestamp, nowUs());
                if (pendingConfig != null) {
                    // the depacketiser reports SPS/PPS just before their access unit: same time
                    videoOut.accept(Frame.config(t.codec, us, pendingConfig));
                    pendingConfig = null;
                }
                if (keyframe) {
                    t.keyframes++;
                }
                videoOut.accept(Frame.media(t.codec, us, us, keyframe, payload));
            }

            @Override
            public void config(byte[] record) {
                pendingConfig = record;
            }
        };
    }

    private AccessUnitSink audioSink(Track t) {
        return new AccessUnitSink() {
            @Override
            public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
                audioOut.opus(t.clock.toMicros(rtpTimestamp, nowUs()), rtpTimestamp, payload);
            }

            @Override
            public void config(byte[] record) {
                // Opus over RTP carries no configuration record
            }
        };
    }
}
