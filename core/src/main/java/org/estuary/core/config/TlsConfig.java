package org.estuary.core.config;

import java.util.Objects;

/**
 * TLS for the servers: one PEM certificate chain and key; the TLS ports listen only when both are
 * set; a port of 0 turns that one off (unlike the clear-text ports, 0 is not "any free port"). The files are checked for changes and reloaded without a
 * restart (certificate renewals).
 *
 * @param certFile      PEM certificate chain ("" = no TLS anywhere)
 * @param keyFile       PEM private key (PKCS#8 or PKCS#1)
 * @param reloadCheckMs how often the files are checked for changes, in ms
 * @param restPort      HTTPS port of the REST API and ops endpoints (HTTP/2 over ALPN); 0 = off
 * @param hlsPort       HTTPS port of HLS (HTTP/2 over ALPN); 0 = off
 * @param rtmpPort      RTMPS port; 0 = off
 * @param websocketPort WSS port of the WebSocket API, the web page and WHIP/WHEP; 0 = off
 */
public record TlsConfig(String certFile, String keyFile, long reloadCheckMs, int restPort, int hlsPort, int rtmpPort,
                        int websocketPort) {

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    public static TlsConfig defaults() {
        return new TlsConfig("", "", 10_000, 8444, 8445, 1936, 8443);
    }

    /** True when a certificate and key are configured. */
    public boolean enabled() {
        return !certFile.isBlank() && !keyFile.isBlank();
    }
}
