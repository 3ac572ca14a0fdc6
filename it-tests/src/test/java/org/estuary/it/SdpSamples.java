package org.estuary.it;

/** Hand-written SDP offers in the shape browsers send, for tests that need no browser. */
final class SdpSamples {
    private SdpSamples() { }

    static final String FINGERPRINT = "sha-256 " + "AB:".repeat(31) + "CD";

    /** A recvonly (player) offer: H.264 mode 1 video and Opus audio, bundled. */
    static final String RECVONLY = String.join("\r\n",
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "m=video 9 UDP/TLS/RTP/SAVPF 103", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijklmn",
            "a=fingerprint:" + FINGERPRINT, "a=setup:actpass", "a=mid:0", "a=recvonly", "a=rtcp-mux",
            "a=rtpmap:103 H264/90000", "a=rtcp-fb:103 nack pli",
            "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:1", "a=recvonly", "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2", "");

    /** The same offer as a publisher (sendonly) with the browser's SSRCs. */
    static final String SENDONLY = RECVONLY.replace("a=recvonly", "a=sendonly")
            .replace("a=rtpmap:103 H264/90000", "a=rtpmap:103 H264/90000\r\na=ssrc:1111 cname:x")
            .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/2\r\na=ssrc:2222 cname:x");
}
