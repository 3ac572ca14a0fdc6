package org.estuary.core.sip;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who a call goes to: {@code callee} as given to {@code /call/startup} ("1000", "alice@host",
 * "sip:alice@host:5062") completed by {@code sipDomain}/{@code sipPort}. Parsing is strict so a
 * request can never smuggle header text into the INVITE.
 *
 * @param user the user part (phone number or name)
 * @param host domain name or IP literal (IPv6 without brackets)
 * @param port SIP port (0 = default 5060 / DNS)
 */
public record SipTarget(String user, String host, int port) {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]{1,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9\\-.]{0,251}[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** @throws IllegalArgumentException with a message naming the bad field */
    public static SipTarget parse(String callee, String sipDomain, String sipPort) {
        if (callee == null || callee.isBlank()) {
            throw new IllegalArgumentException("callee is empty");
        }
        String c = callee.trim();
        String lower = c.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sip:")) {
            c = c.substring(4);
        } else if (lower.startsWith("sips:") || lower.startsWith("tel:")) {
            throw new IllegalArgumentException("callee must be a sip: URI, a user@host or a number: " + callee);
        }
        String user = c;
        String hostPort = null;
        int at = c.lastIndexOf('@');
        if (at >= 0) {
            user = c.substring(0, at);
            hostPort = c.substring(at + 1);
        }
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("callee has a bad user part: " + callee);
        }
        int port = 0;
        if (sipPort != null && !sipPort.isBlank()) {
            port = port(sipPort.trim(), "sipPort");
        }
        String host;
        if (hostPort != null) {
            String[] hp = splitHostPort(hostPort, "callee");
            host = hp[0];
            if (hp[1] != null) {
                port = port(hp[1], "callee");
            }
        } else {
            if (sipDomain == null || sipDomain.isBlank()) {
                throw new IllegalArgumentException("sipDomain is required when callee has no host: " + callee);
            }
            String[] hp = splitHostPort(sipDomain.trim(), "sipDomain");
            host = hp[0];
            if (hp[1] != null && port == 0) {
                port = port(hp[1], "sipDomain");
            }
        }
        return new SipTarget(user, host, port);
    }

    /** host[:port] or [v6][:port] → {host, port-or-null}. */
    public static String[] splitHostPort(String s, String field) {
        String host = s;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(field + " has a bad host: " + s);
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException(field + " has a bad host: " + s);
                }
                port = s.substring(close + 2);
            }
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException(field + " has a bad host: " + s);
            }
            return new String[] {host, port};
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(field + " has a bad host: " + s);
        }
        return new String[] {host, port};
    }

    private static int port(String s, String field) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(field + " has a bad port: " + s);
    }

    /** host as it goes in a SIP URI (IPv6 in brackets). */
    public String uriHost() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public int portOrDefault() {
        return port > 0 ? port : 5060;
    }
}
