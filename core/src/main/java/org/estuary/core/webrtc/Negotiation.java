package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estuary.core.media.Codec;

/**
 * Picks, for each m-line of an offer, the one codec we speak on it and our direction: H.264
 * (packetization-mode 1, constrained baseline preferred) for video, Opus for audio. A publish
 * (WHIP) needs m-lines the browser sends on; a play (WHEP) needs m-lines it receives on.
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
                pt = pickH264(m);
                codec = pt == null ? null : Codec.H264;
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
                    ? "the offer sends no H.264 (packetization-mode=1) video or Opus audio on a UDP/TLS/RTP/SAVPF m-line"
                    : "the offer receives no H.264 (packetization-mode=1) video or Opus audio on a UDP/TLS/RTP/SAVPF m-line");
        }
        return List.copyOf(out);
    }

    private static SdpOffer.PayloadType pick(SdpOffer.Media m, String name) {
        for (SdpOffer.PayloadType p : m.payloadTypes()) {
            if (p.is(name)) {
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
