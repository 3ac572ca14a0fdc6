package org.estuary.verticles.sip;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.estuary.core.sip.Digest;

/**
 * The digest guard of incoming calls ({@code sip.password}): a 401 with WWW-Authenticate carrying a
 * fresh nonce, then the caller's Authorization checked against it (RFC 3261 §22.2). Nonces are this
 * node's own, remembered for a few minutes and bounded in number. Runs on the SIP verticle's context.
 */
final class IncomingAuth {
    static final String REALM = "estuary";
    private static final long NONCE_LIFE_MS = 5 * 60_000;
    private static final int MAX_NONCES = 4096;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> nonces = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_NONCES;
        }
    };

    /** Adds a challenge to {@code response} (a 401). */
    void challenge(HeaderFactory headers, Response response) throws java.text.ParseException {
        byte[] b = new byte[16];
        random.nextBytes(b);
        String nonce = HexFormat.of().formatHex(b);
        nonces.put(nonce, System.currentTimeMillis());
        WWWAuthenticateHeader h = headers.createWWWAuthenticateHeader("Digest");
        h.setRealm(REALM);
        h.setNonce(nonce);
        h.setAlgorithm("MD5");
        h.setQop("auth");
        response.addHeader(h);
    }

    /** Whether {@code request} carries a valid answer to one of our nonces for {@code password}. */
    boolean check(Request request, String password) {
        if (!(request.getHeader(AuthorizationHeader.NAME) instanceof AuthorizationHeader a)) {
            return false;
        }
        Long issued = a.getNonce() == null ? null : nonces.get(a.getNonce());
        if (issued == null || System.currentTimeMillis() - issued > NONCE_LIFE_MS || !REALM.equals(a.getRealm())
                || a.getUsername() == null || a.getURI() == null) {
            return false;
        }
        String qop = a.getQop();
        String nc = qop == null ? null : String.format("%08x", a.getNonceCount());
        String expected = Digest.response(a.getUsername(), REALM, password, request.getMethod(), a.getURI().toString(),
                a.getNonce(), qop, nc, a.getCNonce());
        return Digest.matches(expected, a.getResponse());
    }
}
