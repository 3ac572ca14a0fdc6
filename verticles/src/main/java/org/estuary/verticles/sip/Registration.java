package org.estuary.verticles.sip;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's registration ({@code sipRegisterRequired}): REGISTER {@code sipLogin@sipDomain} with
 * digest authentication, re-REGISTER before the granted expiry runs out, un-REGISTER (Expires 0)
 * when the call ends. One SIP Call-ID and a rising CSeq for all of them (RFC 3261 §10.2.4).
 * Runs on the SIP verticle's context.
 */
final class Registration {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final int MAX_AUTH_ATTEMPTS = 2;
    /** Shortest refresh interval, whatever the registrar grants. */
    private static final long MIN_REFRESH_MS = 2_000;

    interface Listener {
        void registered(int code, String phrase);

        void failed(String why, int code, String phrase);
    }

    private final SipContext sc;
    private final CallRequest req;
    private final String hopIp;
    private final int hopPort;
    private final Listener listener;
    private final CallIdHeader callIdHeader;
    private final String fromTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private long cseq;
    private int authAttempts;
    private long refreshTimer = -1;
    private boolean registered;
    private boolean stopped;
    private int registrations;
    private int lastCode;
    private String lastPhrase = "";
    private int grantedSec;
    private long expiresAtMs;

    Registration(SipContext sc, CallRequest req, String hopIp, int hopPort, Listener listener) {
        this.sc = sc;
        this.req = req;
        this.hopIp = hopIp;
        this.hopPort = hopPort;
        this.listener = listener;
        this.callIdHeader = sc.provider().getNewCallId();
    }

    String sipCallId() {
        return callIdHeader.getCallId();
    }

    boolean isRegistered() {
        return registered;
    }

    int registrations() {
        return registrations;
    }

    /** The last final response to a REGISTER (0 before any). */
    int lastCode() { return lastCode; }
    String lastPhrase() { return lastPhrase; }
    /** Seconds the registrar granted last time (0 before a grant). */
    int grantedSec() { return grantedSec; }
    /** When the last grant runs out (epoch ms; 0 before a grant). */
    long expiresAtMs() { return expiresAtMs; }

    void start() {
        sc.credentials().put(sipCallId(), new CallCredentials.Credentials(req.authName(), req.password(), req.domain()));
        send(sc.config().registerExpiresSec());
    }

    private void send(int expires) {
        refreshTimer = -1;
        authAttempts = 0;
        try {
            var af = sc.addresses();
            var hf = sc.headers();
            SipURI registrar = af.createSipURI(null, req.domain());
            Address aor = af.createAddress(af.createSipURI(req.login(), req.domain()));
            SipURI contactUri = af.createSipURI(req.login(), sc.localHost());
            contactUri.setPort(sc.sipPort());
            ContactHeader contact = hf.createContactHeader(af.createAddress(contactUri));
            Request r = sc.messages().createRequest(registrar, Request.REGISTER, callIdHeader,
                    hf.createCSeqHeader(++cseq, Request.REGISTER), hf.createFromHeader(aor, fromTag),
                    hf.createToHeader(aor, null), List.of(hf.createViaHeader(sc.localHost(), sc.sipPort(), "udp", null)),
                    hf.createMaxForwardsHeader(70));
            r.addHeader(contact);
            r.addHeader(hf.createExpiresHeader(expires));
            r.addHeader(hf.createUserAgentHeader(List.of("Estuary")));
            SipURI hop = af.createSipURI(null, hopIp.contains(":") ? "[" + hopIp + "]" : hopIp);
            hop.setPort(hopPort);
            hop.setLrParam();
            r.addHeader(hf.createRouteHeader(af.createAddress(hop)));
            sc.provider().getNewClientTransaction(r).sendRequest();
        } catch (Exception e) {
            fail("Cannot send REGISTER: " + e.getMessage(), 0, "");
        }
    }

    void response(ResponseEvent e) {
        Response r = e.getResponse();
        int code = r.getStatusCode();
        if (code < 200) {
            return;
        }
        boolean unregistering = stopped;
        if ((code == 401 || code == 407) && authAttempts++ < MAX_AUTH_ATTEMPTS) {
            try {
                cseq++;
                ClientTransaction tx = sc.auth().handleChallenge(r, e.getClientTransaction(), sc.provider(), 5, true);
                tx.sendRequest();
                return;
            } catch (Exception ex) {
                LOG.info("Call {}: cannot answer the REGISTER challenge: {}", req.callId(), ex.getMessage());
            }
        }
        // the last answer that settled a REGISTER (a challenge being answered does not count)
        lastCode = code;
        lastPhrase = r.getReasonPhrase() == null ? "" : r.getReasonPhrase();
        if (unregistering) {
            sc.credentials().remove(sipCallId());
            return;
        }
        if (code >= 300) {
            fail("Registration failed: " + code + " " + r.getReasonPhrase(), code, r.getReasonPhrase());
            return;
        }
        int granted = sc.config().registerExpiresSec();
        ExpiresHeader eh = (ExpiresHeader) r.getHeader(ExpiresHeader.NAME);
        ContactHeader ch = (ContactHeader) r.getHeader(ContactHeader.NAME);
        if (ch != null && ch.getExpires() > 0) {
            granted = ch.getExpires();
        } else if (eh != null && eh.getExpires() > 0) {
            granted = eh.getExpires();
        }
        registrations++;
        grantedSec = granted;
        expiresAtMs = System.currentTimeMillis() + granted * 1000L;
        long refresh = Math.max(MIN_REFRESH_MS, granted * 1000L * 8 / 10);
        refreshTimer = sc.vertx().setTimer(refresh, t -> send(sc.config().registerExpiresSec()));
        LOG.info("Call {}: registered as {}@{} for {} s (refresh in {} ms)", req.callId(), req.login(), req.domain(),
                granted, refresh);
        if (!registered) {
            registered = true;
            listener.registered(code, r.getReasonPhrase());
        }
    }

    void timeout() {
        if (!stopped) {
            fail("Registration failed: no answer from the registrar", 408, "Request Timeout");
        }
    }

    private void fail(String why, int code, String phrase) {
        stop(false);
        listener.failed(why, code, phrase);
    }

    /** Stops refreshing; un-REGISTERs when {@code unregister} and a registration was granted. */
    void stop(boolean unregister) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (refreshTimer >= 0) {
            sc.vertx().cancelTimer(refreshTimer);
            refreshTimer = -1;
        }
        if (unregister && registered) {
            send(0);
        } else {
            sc.credentials().remove(sipCallId());
        }
    }
}
