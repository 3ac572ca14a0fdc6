package org.estuary.core.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** HTTP-style authentication for RTSP: Basic and Digest (RFC 2617, MD5, qop=auth or none). */
public final class RtspAuth {
    /** One WWW-Authenticate challenge; parameter names lower case. */
    public record Challenge(String scheme, Map<String, String> params) {
        public String param(String name) {
            return params.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean isDigest() {
            return scheme.equalsIgnoreCase("Digest");
        }
    }

    private RtspAuth() { }

    /** Parses WWW-Authenticate values; a value may hold several challenges. Garbage yields nothing. */
    public static List<Challenge> parse(List<String> values) {
        List<Challenge> out = new ArrayList<>();
        for (String v : values) {
            parseInto(v, out);
        }
        return out;
    }

    private static void parseInto(String v, List<Challenge> out) {
        int i = 0;
        int n = v.length();
        String scheme = null;
        Map<String, String> params = null;
        while (i < n) {
            while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == ',')) {
                i++;
            }
            int tokStart = i;
            while (i < n && v.charAt(i) != '=' && v.charAt(i) != ' ' && v.charAt(i) != ',') {
                i++;
            }
            String token = v.substring(tokStart, i);
            if (token.isEmpty()) {
                break;
            }
            if (i < n && v.charAt(i) == '=') {
                i++;
                String value;
                if (i < n && v.charAt(i) == '"') {
                    int close = i + 1;
                    StringBuilder sb = new StringBuilder();
                    while (close < n && v.charAt(close) != '"') {
                        if (v.charAt(close) == '\\' && close + 1 < n) {
                            close++;
                        }
                        sb.append(v.charAt(close++));
                    }
                    value = sb.toString();
                    i = Math.min(n, close + 1);
                } else {
                    int vs = i;
                    while (i < n && v.charAt(i) != ',') {
                        i++;
                    }
                    value = v.substring(vs, i).trim();
                }
                if (params != null) {
                    params.put(token.toLowerCase(Locale.ROOT), value);
                }
            } else {
                if (scheme != null) {
                    out.add(new Challenge(scheme, Map.copyOf(params)));
                }
                scheme = token;
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) {
            out.add(new Challenge(scheme, Map.copyOf(params)));
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Authorization value answering a Digest challenge for {@code method uri}. With qop=auth
     * the client nonce {@code cnonce} and nonce count {@code nc} enter the hash (RFC 2617 §3.2.2).
     */
    public static String digest(String user, String password, String method, String uri, Challenge c,
                                String cnonce, int nc) {
        String realm = nz(c.param("realm"));
        String nonce = nz(c.param("nonce"));
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        String qop = c.param("qop");
        boolean auth = qop != null && List.of(qop.split(",")).stream().anyMatch(q -> q.trim().equalsIgnoreCase("auth"));
        StringBuilder sb = new StringBuilder("Digest username=\"").append(user)
                .append("\", realm=\"").append(realm)
                .append("\", nonce=\"").append(nonce)
                .append("\", uri=\"").append(uri).append('"');
        if (auth) {
            String ncs = String.format("%08x", nc);
            sb.append(", qop=auth, nc=").append(ncs).append(", cnonce=\"").append(cnonce).append('"')
                    .append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ncs + ":" + cnonce + ":auth:" + ha2)).append('"');
        } else {
            sb.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
        }
        if (c.param("opaque") != null) {
            sb.append(", opaque=\"").append(c.param("opaque")).append('"');
        }
        if (c.param("algorithm") != null) {
            sb.append(", algorithm=").append(c.param("algorithm"));
        }
        return sb.toString();
    }

    static String md5(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(32);
            for (byte b : d) {
                sb.append(String.format("%02x", b & 0xFF));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JVM", e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
