package org.estuary.core.config;

/**
 * The SIP (GB28181) signalling listener.
 *
 * @param port UDP/TCP port (0 = any free port)
 */
public record SipConfig(int port) {

    public static SipConfig defaults() {
        return new SipConfig(5060);
    }
}
