package org.estuary.core.webrtc;

import java.util.HexFormat;
import java.util.List;

/**
 * The offer we write when Estuary dials another server's WebSocket API like a browser does
 * (server-to-server pull/push): one Opus and one H.264 m-line bundled on one transport, full ICE
 * (no ice-lite), {@code a=setup:actpass} so an ICE-lite server answers passive and we are the
 * DTLS client, and our SSRCs on the lines we send on (a remote routes bundled media by them).
 */
public final class SdpClientOffer {
    /** Payload types we offer (what Chromium uses, so a WCS-like server knows them). */
    public static final int OPUS_PT = 111;
    public static final int H264_PT = 102;

    private SdpClientOffer() { }

    /**
     * @param send       true: we send (push), false: we receive (pull)
     * @param audioSsrc  our SSRC on the audio line when sending
     * @param videoSsrc  our SSRC on the video line when sending
     * @param candidates our host candidates (an ICE-lite remote never checks them, a full-ICE one may)
     */
    public static String write(boolean send, long audioSsrc, long videoSsrc, String iceUfrag, String icePwd,
                               byte[] fingerprintSha256, List<SdpAnswer.Candidate> candidates, String cname,
                               long sessionVersion) {
        String dir = send ? "sendonly" : "recvonly";
        String fp = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprintSha256);
        StringBuilder s = new StringBuilder(2048);
        s.append("v=0\r\n");
        s.append("o=- ").append(sessionVersion).append(" 2 IN IP4 127.0.0.1\r\n");
        s.append("s=-\r\n");
        s.append("t=0 0\r\n");
        s.append("a=group:BUNDLE 0 1\r\n");
        s.append("a=msid-semantic: WMS ").append(cname).append("\r\n");
        for (int i = 0; i < 2; i++) {
            boolean video = i == 1;
            int pt = video ? H264_PT : OPUS_PT;
            s.append("m=").append(video ? "video" : "audio").append(" 9 UDP/TLS/RTP/SAVPF ").append(pt).append("\r\n");
            s.append("c=IN IP4 0.0.0.0\r\n");
            s.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
            s.append("a=ice-ufrag:").append(iceUfrag).append("\r\n");
            s.append("a=ice-pwd:").append(icePwd).append("\r\n");
            s.append("a=fingerprint:sha-256 ").append(fp).append("\r\n");
            s.append("a=setup:actpass\r\n");
            s.append("a=mid:").append(i).append("\r\n");
            s.append('a').append('=').append(dir).append("\r\n");
            s.append("a=rtcp-mux\r\n");
            if (video) {
                s.append("a=rtcp-rsize\r\n");
                s.append("a=rtpmap:").append(pt).append(" H264/90000\r\n");
                s.append("a=rtcp-fb:").append(pt).append(" ccm fir\r\n");
                s.append("a=rtcp-fb:").append(pt).append(" nack\r\n");
                s.append("a=rtcp-fb:").append(pt).append(" nack pli\r\n");
                s.append("a=fmtp:").append(pt)
                        .append(" level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
            } else {
                s.append("a=rtpmap:").append(pt).append(" opus/48000/2\r\n");
                s.append("a=fmtp:").append(pt).append(" minptime=10;useinbandfec=1\r\n");
            }
            if (send) {
                long ssrc = video ? videoSsrc : audioSsrc;
                String track = (video ? "video-" : "audio-") + ssrc;
                s.append("a=msid:").append(cname).append(' ').append(track).append("\r\n");
                s.append("a=ssrc:").append(ssrc).append(" cname:").append(cname).append("\r\n");
                s.append("a=ssrc:").append(ssrc).append(" msid:").append(cname).append(' ').append(track).append("\r\n");
            }
            int foundation = 1;
            for (SdpAnswer.Candidate c : candidates) {
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
