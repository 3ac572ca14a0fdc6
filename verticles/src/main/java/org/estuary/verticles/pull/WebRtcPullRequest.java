package org.estuary.verticles.pull;

import java.net.URI;
import java.util.Locale;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.ControlError;

/**
 * {@code /pull/pull} or {@code /pull/push}, decoded once. A missing local name (pull) or remote
 * name (push) is the other one, as the reference does. {@code uri} must be ws:// or wss://.
 */
record WebRtcPullRequest(String uri, String localStreamName, String remoteStreamName, boolean push) {

    static WebRtcPullRequest pull(Body b) {
        String remote = b.required("remoteStreamName");
        String local = b.string("localStreamName");
        return new WebRtcPullRequest(checkedUri(b.required("uri")), blank(local) ? remote : local, remote, false);
    }

    static WebRtcPullRequest push(Body b) {
        String local = b.required("localStreamName");
        String remote = b.string("remoteStreamName");
        return new WebRtcPullRequest(checkedUri(b.required("uri")), local, blank(remote) ? local : remote, true);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String checkedUri(String uri) {
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (Exception e) {
            throw ControlError.badRequest("Bad uri: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || u.getHost() == null) {
            throw ControlError.badRequest("Bad uri: ws://host:port or wss://host:port expected, got " + uri);
        }
        return u.toString();
    }
}
