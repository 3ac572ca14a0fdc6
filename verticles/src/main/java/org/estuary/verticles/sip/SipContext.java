package org.estuary.verticles.sip;

import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.estuary.core.config.SipConfig;
import org.estuary.core.stream.StreamRegistry;

/**
 * What every call of the SIP verticle shares: the stack's factories and provider, the node's
 * addresses, the hub and the media pool. Built once the stack is up.
 *
 * @param localHost address put in Via, Contact and SDP (the node's public host)
 * @param sipPort   the port the stack listens on (UDP and TCP)
 */
record SipContext(Vertx vertx, Context context, SipProvider provider, AddressFactory addresses, HeaderFactory headers,
                  MessageFactory messages, AuthenticationHelper auth, CallCredentials credentials, String localHost,
                  int sipPort, SipConfig config, StreamRegistry streams, Executor mediaPool) {

    /** The audio codecs calls may use, in offer order ({@code sip.audioCodecs}, checked at start-up). */
    java.util.List<org.estuary.core.sip.RtpFormat> audioCodecs() {
        return org.estuary.core.sip.RtpFormat.parseList(config.audioCodecs());
    }
}
