package org.estuary.core.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * HTTP digest (RFC 2617, MD5) as SIP uses it (RFC 3261 §22.4): the response a client computes
 * from the password, which a server recomputes to check it. With {@code qop} "auth" the nonce
 * count and client nonce take part; without it (RFC 2069 style) they do not.
 */
public final class Digest {
    private Digest() { }

    public static String response(String user, String realm, String password, String method, String uri,
                                  String nonce, String qop, String nonceCount, String cnonce) {
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        if (qop == null || qop.isEmpty()) {
            return md5(ha1 + ":" + nonce + ":" + ha2);
        }
        return md5(ha1 + ":" + nonce + ":" + nonceCount + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** Compares in constant time, case-insensitively (hex digits). */
    public static boolean matches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
