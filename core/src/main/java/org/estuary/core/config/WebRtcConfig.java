package org.estuary.core.config;

import java.util.Objects;

/**
 * The WebRTC media engine (WHIP/WHEP and the WebSocket client API's media): one UDP port shared by
 * every session, the addresses announced as ICE host candidates, and the session limits.
 *
 * @param port             UDP port for all WebRTC media (STUN, DTLS, SRTP demultiplexed, RFC 7983); 0 = any free port
 * @param publicAddress    address announced as a host candidate to clients outside; "" = none
 * @param privateAddress   address announced as a host candidate to clients inside; "" = node.publicHost
 * @param consentTimeoutMs a session without a valid STUN consent check for this long is closed (RFC 7675)
 * @param dtlsThreads      threads running DTLS handshakes (each blocks one while it runs)
 * @param dtlsTimeoutMs    a DTLS handshake must complete within this time
 * @param keyframeIntervalMs how often a publishing browser is asked for a key frame (PLI); 0 = only at start
 * @param publishBitrateKbps the bitrate publishing browsers are told they may send (REMB); 0 = no REMB
 * @param transportCc      negotiate transport-wide congestion control feedback with publishing browsers
 */
public record WebRtcConfig(int port, String publicAddress, String privateAddress, long consentTimeoutMs,
                           int dtlsThreads, long dtlsTimeoutMs, long keyframeIntervalMs, int publishBitrateKbps,
                           boolean transportCc) {

    public WebRtcConfig {
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(privateAddress, "privateAddress");
    }

    public static WebRtcConfig defaults() {
        return new WebRtcConfig(20000, "", "", 30000, 8, 10000, 2000, 1000, false);
    }
}
