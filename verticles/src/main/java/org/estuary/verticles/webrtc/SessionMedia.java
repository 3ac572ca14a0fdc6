package org.estuary.verticles.webrtc;

/** What a connected session does with media: publish (WHIP) or play (WHEP). Event-loop only. */
interface SessionMedia {
    /** SRTP keys are ready: start sending / ask for a key frame. */
    void connected(SrtpTransform srtp);

    /** An SRTP packet of the browser (still encrypted; its SSRC is in clear at bytes 8..11). */
    void rtp(byte[] pkt, int len, long nowMs);

    /** A decrypted RTCP compound packet. */
    void rtcp(byte[] pkt, int len, long nowMs);

    /** Called about every 500 ms while connected (key frame requests, reports). */
    void tick(long nowMs);

    /** Frees everything; idempotent. */
    void close(String reason);
}
