package org.estuary.core.rtmp;

import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code rtmp[s]://[user:pass@]host[:port]/app[/instance]/[stream][?query]} URL.
 *
 * <p>The app is the first path element and the stream name the last one (null when the path has
 * a single element), which is how common servers and clients split it.
 *
 * @param port       explicit port, else 1935 for rtmp and 443 for rtmps
 * @param streamName last path element, or null
 * @param query      query parameters, unmodifiable, empty if none
 * @param user       null if absent
 * @param password   null if absent
 */
public record RtmpUrl(String scheme, String host, int port, String app, String streamName,
                      Map<String, String> query, String user, String password) {

    public static final int DEFAULT_PORT = 1935;
    public static final int DEFAULT_TLS_PORT = 443;

    /** @throws IllegalArgumentException with a message saying what is wrong */
    public static RtmpUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("RTMP URL is empty");
        }
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("not a URL (no scheme): " + url);
        }
        String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("rtmp") && !scheme.equals("rtmps")) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme + "' (expected rtmp or rtmps): " + url);
        }
        String rest = url.substring(sep + 3);
        String queryString = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            queryString = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);

        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            password = colon < 0 ? null : userInfo.substring(colon + 1);
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) { // IPv6 literal
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed IPv6 address in " + url);
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException("garbage after IPv6 address in " + url);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in " + url);
        }
        int port = scheme.equals("rtmps") ? DEFAULT_TLS_PORT : DEFAULT_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port '" + portText + "' in " + url);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port + " in " + url);
            }
        }
        String[] parts = path.split("/");
        int count = 0;
        for (String p : parts) {
            if (!p.isEmpty()) {
                parts[count++] = p;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("missing application name in " + url);
        }
        String app = parts[0];
        String stream = count > 1 ? parts[count - 1] : null;
        return new RtmpUrl(scheme, host, port, app, stream, QueryParams.parse(queryString), user, password);
    }

    /** The tcUrl for the connect command: {@code scheme://host[:port]/app}, the port only if not default. */
    public String tcUrl() {
        boolean defaultPort = port == (scheme.equals("rtmps") ? DEFAULT_TLS_PORT : DEFAULT_PORT);
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + h + (defaultPort ? "" : ":" + port) + "/" + app;
    }

    public boolean isTls() {
        return scheme.equals("rtmps");
    }
}
