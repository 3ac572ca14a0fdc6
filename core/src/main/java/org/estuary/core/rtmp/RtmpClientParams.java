package org.estuary.core.rtmp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an RTMP client sends for a URL: the {@code app} and {@code tcUrl} of the connect command and
 * the stream name of publish/play.
 *
 * <p>Credentials from {@code rtmp://user:pass@host/app} travel as {@code user} and {@code pass}
 * query parameters of both app and tcUrl (after the URL's own query), which is how nginx-rtmp
 * ({@code on_connect}/{@code on_publish} args), Wowza's and most CDNs' simple auth read them; the
 * password is never put into the host part, where servers would log it as a hostname. The URL's
 * query is also appended to the stream name, where servers such as nginx-rtmp expect publish keys.
 *
 * @param url        the parsed URL
 * @param streamName name to publish or play (usually the URL's last path element)
 */
public record RtmpClientParams(RtmpUrl url, String streamName) {

    public RtmpClientParams {
        if (streamName == null || streamName.isBlank()) {
            throw new IllegalArgumentException("no stream name in " + url.tcUrl());
        }
    }

    /** For a URL whose last path element is the stream name. */
    public static RtmpClientParams of(String rtmpUrl) {
        RtmpUrl u = RtmpUrl.parse(rtmpUrl);
        if (u.streamName() == null) {
            throw new IllegalArgumentException("no stream name in " + rtmpUrl + " (expected rtmp://host/app/stream)");
        }
        return new RtmpClientParams(u, u.streamName());
    }

    /** Query parameters of the connect: the URL's own, then user/pass from the authority. */
    public Map<String, String> connectQuery() {
        Map<String, String> q = new LinkedHashMap<>(url.query());
        if (url.user() != null && !url.user().isEmpty()) {
            q.put("user", url.user());
            if (url.password() != null) {
                q.put("pass", url.password());
            }
        }
        return q;
    }

    /** The {@code app} property of connect, with the query when there is one. */
    public String connectApp() {
        return url.app() + querySuffix(connectQuery());
    }

    /** The {@code tcUrl} property of connect, with the query when there is one. */
    public String connectTcUrl() {
        return url.tcUrl() + querySuffix(connectQuery());
    }

    /**
     * The connect query when answering an authentication challenge ({@link AuthMod}): the URL's own
     * query plus the challenge answer, and no plain-text password.
     */
    public Map<String, String> authQuery(Map<String, String> auth) {
        Map<String, String> q = new LinkedHashMap<>(url.query());
        q.putAll(auth);
        return q;
    }

    /** {@code app} of a connect that answers a challenge. */
    public String connectApp(Map<String, String> auth) {
        return auth == null ? connectApp() : url.app() + querySuffix(authQuery(auth));
    }

    /** {@code tcUrl} of a connect that answers a challenge. */
    public String connectTcUrl(Map<String, String> auth) {
        return auth == null ? connectTcUrl() : url.tcUrl() + querySuffix(authQuery(auth));
    }

    /** The name argument of publish/play: the stream name plus the URL's query (not the credentials). */
    public String wireStreamName() {
        return streamName + querySuffix(url.query());
    }

    /** For logs and REST: the URL without the password. */
    public String redacted() {
        String user = url.user() == null ? "" : url.user() + (url.password() == null ? "" : ":***") + "@";
        String base = url.tcUrl();
        int hostStart = base.indexOf("://") + 3;
        return base.substring(0, hostStart) + user + base.substring(hostStart) + "/" + streamName;
    }

    static String querySuffix(Map<String, String> q) {
        if (q.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        for (var e : q.entrySet()) {
            if (sb.length() > 1) {
                sb.append('&');
            }
            sb.append(encode(e.getKey()));
            if (!e.getValue().isEmpty()) {
                sb.append('=').append(encode(e.getValue()));
            }
        }
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
