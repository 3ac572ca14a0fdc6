package org.estuary.core.webrtc;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Writes the answer of an ICE-lite, DTLS-passive (server) endpoint: all m-lines bundled on one
 * transport, our host candidates on every accepted m-line, rtcp-mux, and the SSRC we send from
 * on each line we send on (Chromium routes bundled media by it, since we negotiate no MID
 * header extension).
 */
public final class SdpAnswer {

    /** A host candidate we announce. */
    public record Candidate(String address, int port) { }

    private SdpAnswer() { }

    /** The one-byte a=extmap id (1-14) of abs-send-time on {@code m}, when it also offers goog-remb; else -1. */
    public static int absSendTimeId(SdpOffer.Media m) {
        int id = m.extId(ABS_SEND_TIME_URI);
        boolean remb = m.payloadTypes().stream().anyMatch(p -> p.feedback().stream().anyMatch(f -> f.equalsIgnoreCase("goog-remb")));
        return id >= 1 && id <= 14 && remb ? id : -1;
    }

    /** The a=extmap id the offer gave the transport-wide sequence number on {@code m}, or -1. */
    public static int transportCcId(SdpOffer.Media m) {
        for (var e : m.extmap().entrySet()) {
            if (TransportCc.URI.equals(e.getValue()) && e.getKey() >= 1 && e.getKey() <= 14) {
                return e.getKey();
            }
        }
        return -1;
    }

    public static String write(List<Negotiation.Line> lines, String iceUfrag, String icePwd, byte[] fingerprintSha256,
                               List<Candidate> candidates, String cname, String streamId, long sessionVersion) {
        return write(lines, iceUfrag, icePwd, fingerprintSha256, candidates, cname, streamId, sessionVersion, false);
    }

    /** @param transportCc answer the offer's transport-wide CC extension and feedback on lines we receive */
    public static String write(List<Negotiation.Line> lines, String iceUfrag, String icePwd, byte[] fingerprintSha256,
                               List<Candidate> candidates, String cname, String streamId, long sessionVersion,
                               boolean transportCc) {
        return write(lines, iceUfrag, icePwd, fingerprintSha256, candidates, cname, streamId, sessionVersion, transportCc, false);
    }

    /**
     * @param withRtx accept RTX (RFC 4588) on video lines where the offer has an rtx for our codec: on
     *            lines we send on, announce our RTX stream (rtx payload type, FID group, {@link Rtx#ssrcFor})
     *            and resend on it; on lines we receive on, the rtx payload type alone (the browser's FID
     *            group is in its offer), and the receiver must unwrap what arrives on it
     */
    public static String write(List<Negotiation.Line> lines, String iceUfrag, String icePwd, byte[] fingerprintSha256,
                               List<Candidate> candidates, String cname, String streamId, long sessionVersion,
                               boolean transportCc, boolean withRtx) {
        return write(lines, iceUfrag, icePwd, fingerprintSha256, candidates, cname, streamId, sessionVersion, transportCc,
                withRtx, false);
    }

    /** The MID and RID (RFC 8852) header extensions: a simulcast layer's packets say which layer they are. */
    public static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** abs-send-time: stamped by an SFU on what it sends, so the browser's receive-side estimator sends REMB. */
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    /**
     * @param simulcast (an SFU room) on lines we send on, answer abs-send-time (we stamp it, so the
     *                  browser estimates its bandwidth and sends REMB); and accept the simulcast layers (RFC 8853) a line we receive on offers, when it also
     *                  offers the RID header extension: {@code a=rid:<id> recv} and {@code a=simulcast:recv}
     *                  for each, with the MID and RID extensions (an SFU room's publisher; the receiver
     *                  must then tell the layers apart by their RID, {@link SimulcastRid})
     */
    public static String write(List<Negotiation.Line> lines, String iceUfrag, String icePwd, byte[] fingerprintSha256,
                               List<Candidate> candidates, String cname, String streamId, long sessionVersion,
                               boolean transportCc, boolean withRtx, boolean simulcast) {
        StringBuilder s = new StringBuilder(2048);
        s.append("v=0\r\n");
        s.append("o=- ").append(sessionVersion).append(" 2 IN IP4 127.0.0.1\r\n");
        s.append("s=-\r\n");
        s.append("t=0 0\r\n");
        s.append("a=ice-lite\r\n");
        StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
        for (Negotiation.Line l : lines) {
            if (l.accepted()) {
                bundle.append(' ').append(l.offered().mid());
            }
        }
        s.append(bundle).append("\r\n");
        s.append("a=msid-semantic: WMS ").append(streamId).append("\r\n");
        String fp = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprintSha256);
        for (Negotiation.Line l : lines) {
            SdpOffer.Media m = l.offered();
            if (!l.accepted()) {
                String fmt = m.protocol().toUpperCase(java.util.Locale.ROOT).contains("SCTP") ? "webrtc-datachannel"
                        : String.valueOf(m.payloadTypes().isEmpty() ? 0 : m.payloadTypes().get(0).pt());
                s.append("m=").append(m.kind()).append(" 0 ").append(m.protocol()).append(' ').append(fmt).append("\r\n");
                s.append("c=IN IP4 0.0.0.0\r\n");
                s.append("a=mid:").append(m.mid()).append("\r\n");
                s.append("a=inactive\r\n");
                continue;
            }
            SdpOffer.PayloadType pt = l.chosen();
            // RTX (RFC 4588) when the browser offers one for our codec: on a line we send on we resend lost
            // video on it; on a line we receive on the browser resends what we NACK on it
            SdpOffer.PayloadType rtx = withRtx && (l.sendSsrc() >= 0 || l.direction().equals("recvonly")) && m.kind().equals("video")
                    ? Rtx.payloadTypeFor(m, pt.pt()) : null;
            s.append("m=").append(m.kind()).append(" 9 ").append(m.protocol()).append(' ').append(pt.pt());
            if (rtx != null) {
                s.append(' ').append(rtx.pt());
            }
            s.append("\r\n");
            s.append("c=IN IP4 0.0.0.0\r\n");
            s.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
            s.append("a=ice-ufrag:").append(iceUfrag).append("\r\n");
            s.append("a=ice-pwd:").append(icePwd).append("\r\n");
            s.append("a=fingerprint:sha-256 ").append(fp).append("\r\n");
            s.append("a=setup:passive\r\n");
            s.append("a=mid:").append(m.mid()).append("\r\n");
            s.append('a').append('=').append(l.direction()).append("\r\n");
            s.append("a=rtcp-mux\r\n");
            if (m.kind().equals("video")) {
                s.append("a=rtcp-rsize\r\n");
            }
            s.append("a=rtpmap:").append(pt.pt()).append(' ').append(pt.encoding()).append('/').append(pt.clockRate());
            if (pt.channels() > 1) {
                s.append('/').append(pt.channels());
            }
            s.append("\r\n");
            if (pt.fmtp() != null) {
                s.append("a=fmtp:").append(pt.pt()).append(' ').append(pt.fmtp()).append("\r\n");
            }
            if (rtx != null) {
                s.append("a=rtpmap:").append(rtx.pt()).append(" rtx/").append(pt.clockRate()).append("\r\n");
                s.append("a=fmtp:").append(rtx.pt()).append(" apt=").append(pt.pt()).append("\r\n");
            }
            int twcc = transportCc && l.direction().equals("recvonly") ? transportCcId(m) : -1;
            if (twcc > 0) {
                // we receive: the browser numbers its packets transport-wide and we feed back their arrival
                s.append("a=extmap:").append(twcc).append(' ').append(TransportCc.URI).append("\r\n");
            }
            int rid = simulcast && l.direction().equals("recvonly") && !m.rids().isEmpty() ? m.extId(RID_URI) : -1;
            if (rid > 0) {
                int mid = m.extId(MID_URI);
                if (mid > 0) {
                    s.append("a=extmap:").append(mid).append(' ').append(MID_URI).append("\r\n");
                }
                s.append("a=extmap:").append(rid).append(' ').append(RID_URI).append("\r\n");
                for (String r : m.rids()) {
                    s.append("a=rid:").append(r).append(" recv\r\n");
                }
                s.append("a=simulcast:recv ").append(String.join(";", m.rids())).append("\r\n");
            }
            int ast = simulcast && l.sendSsrc() >= 0 ? absSendTimeId(m) : -1;
            if (ast > 0) {
                s.append("a=extmap:").append(ast).append(' ').append(ABS_SEND_TIME_URI).append("\r\n");
            }
            for (String fb : pt.feedback()) {
                String f = fb.toLowerCase(Locale.ROOT);
                if (f.equals("nack") || f.equals("nack pli") || f.equals("ccm fir") || f.equals("goog-remb")
                        || (twcc > 0 && f.equals("transport-cc"))) {
                    s.append("a=rtcp-fb:").append(pt.pt()).append(' ').append(fb).append("\r\n");
                }
            }
            if (l.sendSsrc() >= 0) {
                String track = m.kind() + "-" + l.sendSsrc();
                s.append("a=msid:").append(streamId).append(' ').append(track).append("\r\n");
                if (rtx != null) {
                    s.append("a=ssrc-group:FID ").append(l.sendSsrc()).append(' ').append(Rtx.ssrcFor(l.sendSsrc())).append("\r\n");
                }
                for (long ssrc : rtx != null ? new long[] {l.sendSsrc(), Rtx.ssrcFor(l.sendSsrc())} : new long[] {l.sendSsrc()}) {
                    s.append("a=ssrc:").append(ssrc).append(" cname:").append(cname).append("\r\n");
                    s.append("a=ssrc:").append(ssrc).append(" msid:").append(streamId).append(' ').append(track).append("\r\n");
                }
            }
            int foundation = 1;
            for (Candidate c : candidates) {
                // host candidate priority (RFC 8445 §5.1.2.1): type pref 126, local pref by order, component 1
                long priority = (126L << 24) | ((65535L - foundation) << 8) | 255;
                s.append("a=candidate:").append(foundation).append(" 1 udp ").append(priority).append(' ')
                        .append(c.address()).append(' ').append(c.port()).append(" typ host\r\n");
                foundation++;
            }
            s.append("a=end-of-candidates\r\n");
        }
        return s.toString();
    }
}
