package org.estuary.verticles.sip;

import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.header.CallIdHeader;

/**
 * Digest credentials for JAIN-SIP's authentication helper, per SIP Call-ID (each call brings its
 * own sipAuthenticationName/sipPassword). The helper asks from the calling thread (event loop).
 */
final class CallCredentials implements AccountManager {
    record Credentials(String user, String password, String domain) implements UserCredentials {
        @Override public String getUserName() { return user; }
        @Override public String getPassword() { return password; }
        @Override public String getSipDomain() { return domain; }
    }

    private final Map<String, Credentials> bySipCallId = new ConcurrentHashMap<>();

    void put(String sipCallId, Credentials c) {
        bySipCallId.put(sipCallId, c);
    }

    void remove(String sipCallId) {
        bySipCallId.remove(sipCallId);
    }

    @Override
    public UserCredentials getCredentials(ClientTransaction tx, String realm) {
        CallIdHeader h = (CallIdHeader) tx.getRequest().getHeader(CallIdHeader.NAME);
        Credentials c = h == null ? null : bySipCallId.get(h.getCallId());
        return c == null ? new Credentials("", "", realm) : c;
    }
}
