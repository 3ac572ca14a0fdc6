package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estuary.core.media.Codec;

/**
 * Picks, for each m-line of an offer, the one codec we speak on it and our direction: H.264
 * (packetization-mode 1, constrained baseline preferred), VP8, VP9 (profile 0) or AV1 (profile 0) for
 * video, Opus for audio. A publish (WHIP) needs m-lines the browser sends on and takes H.264 when
 * offered (RTMP/HLS readers need it), VP8 otherwise, then VP9, AV1 last; a play (WHEP) needs m-lines
 * it receives on and takes the codec the engine plays the stream in (its own, or a WebRTC publisher's
 * VP8/VP9/AV1 as it arrived).
 */
public final class Negotiation {

    /** The outcome for one m-line; {@code chosen} is null when the m-line is rejected. */
    public record Line(SdpOffer.Media offered, SdpOffer.PayloadType chosen, Codec codec, String direction, long sendSsrc) {
        public boolean accepted() {
            return chosen != null;
        }
    }

    private Negotiation() { }

    /**
     * @param publish  true: the browser sends to us (WHIP), false: we send to it (WHEP)
     * @param ssrcBase our SSRCs for lines we send on are ssrcBase, ssrcBase+1, ...
     * @throws SdpException when no m-line can carry media in the wanted direction
     */
    public static List<Line> negotiate(SdpOffer offer, boolean publish, long ssrcBase) {
        return negotiate(offer, publish, ssrcBase, null);
    }

    /**
     * @param playVideo a play's source video codec (VP8 or H.264; null: H.264); ignored for a publish
     */
    public static List<Line> negotiate(SdpOffer offer, boolean publish, long ssrcBase, Codec playVideo) {
        List<Line> out = new ArrayList<>();
        boolean any = false;
        long nextSsrc = ssrcBase;
        boolean haveVideo = false;
        boolean haveAudio = false;
        for (SdpOffer.Media m : offer.media()) {
            boolean dirOk = publish ? m.sends() : m.receives();
            boolean protoOk = m.protocol().toUpperCase(Locale.ROOT).contains("SAVPF");
            SdpOffer.PayloadType pt = null;
            Codec codec = null;
            if (dirOk && protoOk && m.kind().equals("video") && !haveVideo) {
                if (!publish && playVideo == Codec.VP8) {
                    pt = pick(m, "VP8");
                    codec = pt == null ? null : Codec.VP8;
                } else if (!publish && playVideo == Codec.VP9) {
                    pt = pickVp9(m);
                    codec = pt == null ? null : Codec.VP9;
                } else if (!publish && playVideo == Codec.AV1) {
                    pt = pickAv1(m);
                    codec = pt == null ? null : Codec.AV1;
                } else {
                    pt = pickH264(m);
                    codec = pt == null ? null : Codec.H264;
                    if (pt == null && publish) {
                        pt = pick(m, "VP8");
                        codec = pt == null ? null : Codec.VP8;
                    }
                    if (pt == null && publish) {
                        pt = pickVp9(m);
                        codec = pt == null ? null : Codec.VP9;
                    }
                    if (pt == null && publish) {
                        pt = pickAv1(m);
                        codec = pt == null ? null : Codec.AV1;
                    }
                }
                haveVideo = pt != null;
            } else if (dirOk && protoOk && m.kind().equals("audio") && !haveAudio) {
                pt = pick(m, "opus");
                codec = pt == null ? null : Codec.OPUS;
                haveAudio = pt != null;
            }
            if (pt == null) {
                out.add(new Line(m, null, null, "inactive", -1));
                continue;
            }
            any = true;
            String dir = publish ? "recvonly" : "sendonly";
            long ssrc = publish ? -1 : (nextSsrc++ & 0xFFFFFFFFL);
            out.add(new Line(m, pt, codec, dir, ssrc));
        }
        if (!any) {
            throw new SdpException(publish
                    ? "the offer sends no H.264 (packetization-mode=1), VP8, VP9 (profile 0) or AV1 (profile 0) video or Opus audio on a UDP/TLS/RTP/SAVPF m-line"
                    : "the offer receives no " + (playVideo == Codec.VP8 ? "VP8" : playVideo == Codec.VP9 ? "VP9 (profile 0)"
                    : playVideo == Codec.AV1 ? "AV1 (profile 0)"
                    : "H.264 (packetization-mode=1)")
                    + " video (the stream's codec) or Opus audio on a UDP/TLS/RTP/SAVPF m-line");
        }
        return List.copyOf(out);
    }

    /**
     * One m-line added by a re-offer that the browser receives on (an SFU room's single peer
     * connection): H.264 (packetization-mode 1) when offered, else VP8, for video; Opus for audio;
     * we send on it with {@code ssrc}. Rejected (chosen null) when it does not receive or has none of these.
     */
    public static Line sendLine(SdpOffer.Media m, long ssrc) {
        boolean ok = m.receives() && m.protocol().toUpperCase(Locale.ROOT).contains("SAVPF");
        SdpOffer.PayloadType pt = null;
        Codec codec = null;
        if (ok && m.kind().equals("video")) {
            pt = pickH264(m);
            codec = Codec.H264;
            if (pt == null) {
                pt = pick(m, "VP8");
                codec = Codec.VP8;
            }
        } else if (ok && m.kind().equals("audio")) {
            pt = pick(m, "opus");
            codec = Codec.OPUS;
        }
        return pt == null ? new Line(m, null, null, "inactive", -1) : new Line(m, pt, codec, "sendonly", ssrc & 0xFFFFFFFFL);
    }

    private static SdpOffer.PayloadType pick(SdpOffer.Media m, String name) {
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            if (p.is(name)) {
                return p;
            }
        }
        return null;
    }

    /** VP9 profile 0 (8-bit 4:2:0, what every browser decodes; no profile-id means 0). */
    private static SdpOffer.PayloadType pickVp9(SdpOffer.Media m) {
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            String profile = p.fmtpParam("profile-id");
            if (p.is("VP9") && (profile == null || profile.equals("0"))) {
                return p;
            }
        }
        return null;
    }

    /** AV1 main profile (profile 0: 8/10-bit 4:2:0, what browsers encode; no profile means 0). */
    private static SdpOffer.PayloadType pickAv1(SdpOffer.Media m) {
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            String profile = p.fmtpParam("profile");
            if (p.is("AV1") && (profile == null || profile.equals("0"))) {
                return p;
            }
        }
        return null;
    }

    private static SdpOffer.PayloadType pickH264(SdpOffer.Media m) {
        SdpOffer.PayloadType best = null;
        int bestScore = -1;
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            if (!p.is("H264") || !"1".equals(p.fmtpParam("packetization-mode"))) {
                continue;
            }
            String profile = p.fmtpParam("profile-level-id");
            int score = 0;
            if (profile != null && profile.toLowerCase(Locale.ROOT).startsWith("42e0")) {
                score = 3; // constrained baseline: no B-frames, what every browser decodes
            } else if (profile != null && profile.toLowerCase(Locale.ROOT).startsWith("4200")) {
                score = 2;
            } else {
                score = 1;
            }
            if (score > bestScore) {
                best = p;
                bestScore = score;
            }
        }
        return best;
    }
}
