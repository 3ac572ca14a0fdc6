package org.estuary.core.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RTMP connect authentication by challenge-response, as Wowza, Adobe Media Server and several CDNs
 * ask for it: the server refuses the first connect with a description naming the method
 * ({@code authmod=adobe} or {@code authmod=llnw}), the client connects again announcing the user,
 * the server refuses that with a challenge, and the third connect carries the response in the
 * app/tcUrl query. This class reads the server's refusal text and says what the next connect adds;
 * the password itself never goes over the wire.
 */
public final class AuthMod {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthMod() { }

    /**
     * The query to add to the next connect after the server refused one with {@code description},
     * or null when the refusal is not a challenge this client can answer (no authmod, wrong
     * credentials reported, or no user/password to answer with).
     *
     * @param app the connect's application name (llnw hashes it)
     */
    public static Map<String, String> next(String description, String user, String password, String app) {
        if (description == null || user == null || user.isEmpty() || password == null) {
            return null;
        }
        String mod = description.contains("authmod=adobe") ? "adobe" : description.contains("authmod=llnw") ? "llnw" : null;
        if (mod == null || description.contains("reason=authfailed") || description.contains("reason=nosuchuser")) {
            return null;
        }
        Map<String, String> challenge = params(description);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("authmod", mod);
        q.put("user", user);
        if (!"needauth".equals(challenge.get("reason"))) {
            return q; // first refusal ("code=403 need auth"): announce the user to get a challenge
        }
        String clientChallenge = String.format("%08x", RANDOM.nextInt());
        if (mod.equals("adobe")) {
            String salt = challenge.getOrDefault("salt", "");
            String serverChallenge = challenge.get("challenge");
            String opaque = challenge.get("opaque");
            q.put("challenge", clientChallenge);
            q.put("response", adobeResponse(user, password, salt, opaque != null ? opaque : serverChallenge, clientChallenge));
            if (opaque != null) {
                q.put("opaque", opaque);
            }
        } else {
            String nonce = challenge.getOrDefault("nonce", "");
            q.put("nonce", nonce);
            q.put("cnonce", clientChallenge);
            q.put("nc", "00000001");
            q.put("response", llnwResponse(user, password, app, nonce, clientChallenge));
        }
        return q;
    }

    /** base64(md5(base64(md5(user + salt + password)) + opaqueOrChallenge + clientChallenge)). */
    static String adobeResponse(String user, String password, String salt, String opaqueOrChallenge, String clientChallenge) {
        String hash1 = Base64.getEncoder().encodeToString(md5(user + salt + password));
        return Base64.getEncoder().encodeToString(md5(hash1 + (opaqueOrChallenge == null ? "" : opaqueOrChallenge)
                + clientChallenge));
    }

    /** HTTP-Digest-like (realm "live", method "publish", qop "auth", nc 00000001) over the app path. */
    static String llnwResponse(String user, String password, String app, String nonce, String cnonce) {
        String a1 = hex(md5(user + ":live:" + password));
        String appPath = app == null ? "" : app;
        int cut = indexOfAny(appPath, "/?");
        String base = cut < 0 ? appPath : appPath.substring(0, cut);
        String a2 = hex(md5("publish:/" + base + (appPath.indexOf('/') < 0 ? "/_definst_" : "")));
        return hex(md5(a1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + a2));
    }

    /** key=value pairs after the last '?' of the description. */
    static Map<String, String> params(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = description.lastIndexOf('?');
        if (q < 0) {
            return out;
        }
        for (String kv : description.substring(q + 1).trim().split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
