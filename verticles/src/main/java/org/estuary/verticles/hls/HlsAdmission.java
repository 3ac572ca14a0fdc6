package org.estuary.verticles.hls;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionRequest;

/**
 * Asks the admission point before a viewer gets a playlist or segment. A viewer reloads the
 * playlist every few seconds and fetches every segment: an allowed (address, stream) is
 * remembered for {@link #TTL_MS} so the backend is asked about once per viewer, not per request.
 * Segment URIs carry no query, so a segment is served when its viewer's playlist was allowed.
 */
final class HlsAdmission {
    /** How long an allowed viewer is remembered. Short enough that a revoked viewer stops soon. */
    static final long TTL_MS = 30_000;
    private static final int MAX_ENTRIES = 100_000;

    private record Allowed(String streamName, long until) { }

    private final Admission admission;
    private final Map<String, Allowed> allowed = new ConcurrentHashMap<>();

    HlsAdmission(Admission admission) {
        this.admission = admission;
    }

    /** The path to serve (the stream may be renamed by the backend), or a failed future with the refusal. */
    Future<HlsPath> admit(HttpServerRequest req, HlsPath path, String remote, Context context) {
        long now = System.currentTimeMillis();
        String key = remote + "|" + path.stream();
        Allowed a = allowed.get(key);
        if (a != null && a.until() > now && !path.isPlaylist()) {
            return Future.succeededFuture(new HlsPath(a.streamName(), path.file()));
        }
        Map<String, String> params = new HashMap<>();
        req.params().forEach((k, v) -> {
            if (!k.startsWith("_HLS_") && !k.equals(HlsHttpHandler.SESSION_PARAM)) {
                params.put(k, v);
            }
        });
        AdmissionRequest r = new AdmissionRequest(AdmissionRequest.Action.PLAY, "HLS", "", path.stream(), remote, params);
        return Future.fromCompletionStage(admission.check(r), context).compose(d -> {
            if (!d.allowed()) {
                allowed.remove(key);
                return Future.failedFuture(d.reason());
            }
            if (allowed.size() >= MAX_ENTRIES) {
                allowed.values().removeIf(e -> e.until() <= now);
            }
            allowed.put(key, new Allowed(d.streamName(), now + TTL_MS));
            return Future.succeededFuture(new HlsPath(d.streamName(), path.file()));
        });
    }
}
