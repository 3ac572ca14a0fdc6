package org.estuary.core.rtsp;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * An rtsp:// URL split for the client: where to connect, the URL to send (without credentials)
 * and the credentials from the userinfo part.
 */
public record RtspUri(String host, int port, String requestUrl, String user, String password) {
    public static final int DEFAULT_PORT = 554;

    /** @throws IllegalArgumentException with a message fit for a 400 answer */
    public static RtspUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri is empty");
        }
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getMessage());
        }
        if (u.getScheme() == null || !u.getScheme().equalsIgnoreCase("rtsp")) {
            throw new IllegalArgumentException("scheme must be rtsp://");
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + redact(uri));
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        String request = "rtsp://" + hostPart + (u.getPort() < 0 ? "" : ":" + port) + path + query;
        return new RtspUri(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port, request, user, password);
    }

    public boolean hasCredentials() {
        return user != null;
    }

    /** The URI with any password replaced, for logs and answers. */
    public static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("(?i)(rtsp://[^/@:]*):[^/@]*@", "$1:***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
