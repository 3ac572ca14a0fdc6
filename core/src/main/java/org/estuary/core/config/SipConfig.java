package org.estuary.core.config;

import java.util.Objects;

/**
 * SIP calls bridged to streams ({@code /call/*}) and calls into streams ({@code sip:<stream>@node}).
 *
 * @param port              SIP signalling port, UDP and TCP (0 = any free port)
 * @param maxCalls          calls (outgoing + incoming) at once; more get 503 (REST and SIP alike)
 * @param noAnswerTimeoutMs an outgoing call not answered within this time is cancelled and FAILED
 * @param rtpTimeoutMs      an established call that receives no RTP for this long is hung up (0 = never)
 * @param registerExpiresSec Expires asked for when a call REGISTERs first; re-REGISTER before it runs out
 * @param aacSampleRate     sample rate of the AAC audio a call publishes (the call's audio is resampled to it)
 * @param incomingCalls     answer INVITEs to {@code sip:<streamName>@this-node} with that live stream's audio
 * @param allowFrom         comma-separated IP addresses / CIDR blocks allowed to call in ("" = anyone)
 * @param password          digest password a caller must give to call in ("" = no authentication)
 * @param incomingAnswerDelayMs an incoming call rings (180) this long before it is answered (a caller may CANCEL meanwhile)
 * @param audioCodecs       audio codecs a call may use, in the order Estuary offers them (opus, G722, PCMU, PCMA);
 *                          a peer's offer is answered with the first of its codecs that is listed here
 * @param registrar         host[:port] of a registrar Estuary stays registered at while it runs ("" = none), so
 *                          calls to {@code registerUser} through that registrar/proxy reach this node
 * @param registerUser      the user (AOR {@code registerUser@registrar-host}) of that standing registration
 * @param registerPassword  its digest password ("" = the registrar asks none)
 * @param registerStream    the live stream a call to {@code registerUser} is answered with ("" = a stream named
 *                          like the user)
 */
public record SipConfig(int port, int maxCalls, long noAnswerTimeoutMs, long rtpTimeoutMs, int registerExpiresSec,
                        int aacSampleRate, boolean incomingCalls, String allowFrom, String password,
                        long incomingAnswerDelayMs, String audioCodecs,
                        String registrar, String registerUser, String registerPassword, String registerStream) {

    public SipConfig {
        Objects.requireNonNull(allowFrom, "allowFrom");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(audioCodecs, "audioCodecs");
        Objects.requireNonNull(registrar, "registrar");
        Objects.requireNonNull(registerUser, "registerUser");
        Objects.requireNonNull(registerPassword, "registerPassword");
        Objects.requireNonNull(registerStream, "registerStream");
    }

    public static SipConfig defaults() {
        return new SipConfig(5060, 200, 60_000, 30_000, 3600, 16_000, true, "", "", 0, "opus,G722,PCMU,PCMA", "", "estuary", "", "");
    }
}
