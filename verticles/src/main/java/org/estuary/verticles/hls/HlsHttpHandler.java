package org.estuary.verticles.hls;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.core.hls.HlsSegmenter;
import org.estuary.core.hls.PlaylistWriter;

/**
 * Serves {@code GET /<stream>/<stream>.m3u8} (media playlist, LL-HLS blocking reload with
 * {@code _HLS_msn}/{@code _HLS_part}), {@code /<stream>/master.m3u8} (variant list) and the
 * agent's segments, parts and init segments, with CORS on every answer. {@code ?aclAuth=} and
 * other query parameters are accepted and ignored (CDN ACLs come later).
 */
final class HlsHttpHandler implements Handler<HttpServerRequest> {
    static final String SESSION_COOKIE = "estuary_hls_session";
    static final String SESSION_PARAM = "session";

    // Header names and values encoded once (Vert.x writes these as they are), not per answer.
    private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
    private static final CharSequence ANY = HttpHeaders.createOptimized("*");
    private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("Access-Control-Allow-Methods");
    private static final CharSequence METHODS = HttpHeaders.createOptimized("GET, HEAD, OPTIONS");
    private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("Access-Control-Allow-Headers");
    private static final CharSequence REQUEST_HEADERS = HttpHeaders.createOptimized("Range, Content-Type");
    private static final CharSequence EXPOSE_HEADERS = HttpHeaders.createOptimized("Access-Control-Expose-Headers");
    private static final CharSequence EXPOSED = HttpHeaders.createOptimized("Content-Length, Content-Type");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    private static final CharSequence KEEP_A_MINUTE = HttpHeaders.createOptimized("max-age=60");

    private final HlsServerVerticle server;

    HlsHttpHandler(HlsServerVerticle server) {
        this.server = server;
    }

    @Override
    public void handle(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        resp.putHeader(ALLOW_ORIGIN, ANY)
                .putHeader(ALLOW_METHODS, METHODS)
                .putHeader(ALLOW_HEADERS, REQUEST_HEADERS)
                .putHeader(EXPOSE_HEADERS, EXPOSED);
        if (req.method() == HttpMethod.OPTIONS) {
            resp.setStatusCode(204).end();
            return;
        }
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            error(resp, 405, "Only GET, HEAD and OPTIONS are served on the HLS port");
            return;
        }
        HlsPath path = HlsPath.parse(req.path());
        if (path == null) {
            error(resp, 404, "Not found: expected /<stream>/<stream>.m3u8");
            return;
        }
        server.admission().admit(req, path, remote(req), server.context()).onComplete(ar -> {
            if (ar.failed()) {
                error(resp, 403, "Playing refused: " + ar.cause().getMessage());
            } else {
                serve(req, ar.result());
            }
        });
    }

    private void serve(HttpServerRequest req, HlsPath path) {
        HttpServerResponse resp = req.response();
        HlsAgent agent = server.agent(path.stream());
        String abrSource = HlsAbr.sourceOf(path.stream());
        if (agent == null && path.isPlaylist() && abrSource != null) {
            abrMaster(req, path, abrSource);
            return;
        }
        if (agent == null && path.isPlaylist()) {
            agent = server.autoStart(path.stream());
        }
        if (agent == null) {
            error(resp, 404, "Stream not found: " + path.stream());
            return;
        }
        String subscriber = subscriberId(req, path.isPlaylist());
        agent.touch(subscriber, remote(req), userAgent(req), 0);
        if (path.isPlaylist()) {
            playlist(req, agent, path, subscriber);
        } else {
            asset(req, agent, path, subscriber);
        }
    }

    /** {@code <name>-HLS-ABR-STREAM}: the master playlist of {@code name}'s renditions (see {@link HlsAbr}). */
    private void abrMaster(HttpServerRequest req, HlsPath path, String source) {
        HttpServerResponse resp = req.response();
        server.abr().master(source, req.query(), server.lowLatency()).onComplete(ar -> {
            if (ar.failed()) {
                error(resp, ar.cause() instanceof IllegalArgumentException ? 404 : 503, ar.cause().getMessage());
            } else if (ar.result() == null) {
                error(resp, 503, "No rendition of " + source + " has started yet");
            } else if (!resp.ended() && !resp.closed()) {
                resp.putHeader(HttpHeaders.CONTENT_TYPE, path.contentType()).putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
                        .end(req.method() == HttpMethod.HEAD ? Buffer.buffer() : Buffer.buffer(ar.result()));
            }
        });
    }

    private void playlist(HttpServerRequest req, HlsAgent agent, HlsPath path, String subscriber) {
        HlsSegmenter seg = agent.segmenter();
        long maxWait = server.blockingWaitMs();
        String msnParam = req.getParam("_HLS_msn");
        String partParam = req.getParam("_HLS_part");
        Runnable answer = () -> sendPlaylist(req, agent, path, subscriber);
        Runnable timeout = () -> error(req.response(), 503, "No playlist content yet for " + path.stream());
        if (path.isMediaPlaylist() && msnParam != null && seg.lowLatency()) {
            long msn;
            int part;
            try {
                msn = Long.parseLong(msnParam);
                part = partParam == null ? -1 : Integer.parseInt(partParam);
            } catch (NumberFormatException e) {
                error(req.response(), 400, "_HLS_msn and _HLS_part must be integers");
                return;
            }
            if (msn < 0 || part < -1 || (partParam != null && part < 0)) {
                error(req.response(), 400, "_HLS_msn and _HLS_part must not be negative");
                return;
            }
            if (msn > seg.nextSequence() + 2) {
                error(req.response(), 400, "_HLS_msn " + msn + " is too far in the future");
                return;
            }
            agent.whenReady(() -> part < 0 ? seg.hasSegment(msn) : seg.hasPart(msn, part), maxWait, answer, timeout);
            return;
        }
        if (partParam != null && msnParam == null) {
            error(req.response(), 400, "_HLS_part needs _HLS_msn");
            return;
        }
        // A fresh agent has no segment yet: hold the first request until one exists. Its very first
        // playlist (low latency) waits until live parts reach PART-HOLD-BACK past a keyframe, so that
        // the first viewer, whose request started the agent, starts at the live edge like later ones.
        if (!agent.playlistServed()) {
            agent.whenReady(seg::startableAtLiveEdge, maxWait, () -> {
                agent.markPlaylistServed();
                answer.run();
            }, () -> (seg.hasContent() ? answer : timeout).run());
            return;
        }
        agent.whenReady(seg::hasContent, maxWait, answer, timeout);
    }

    private void sendPlaylist(HttpServerRequest req, HlsAgent agent, HlsPath path, String subscriber) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        HlsSegmenter seg = agent.segmenter();
        if (path.isMaster()) {
            // the stream itself, then the CDN profile renditions that apply to it (none on one node alone)
            long bandwidth = seg.bandwidthEstimate(agent.store()::size);
            String query = req.query();
            PlaylistWriter.Variant self = new PlaylistWriter.Variant(path.stream() + ".m3u8"
                    + (query == null || query.isEmpty() ? "" : "?" + query), bandwidth, seg.width(), seg.height(),
                    seg.codecs());
            server.cdnRenditions(path.stream()).onComplete(ar -> {
                List<PlaylistWriter.Variant> variants = ProfileVariants.variants(self,
                        ar.succeeded() ? ar.result() : null, query, this::measured);
                send(req, path, agent, subscriber, PlaylistWriter.master(variants, seg.lowLatency()));
            });
            return;
        }
        send(req, path, agent, subscriber, seg.mediaPlaylist());
    }

    /** A rendition this node segments already, with content: its measured figures; else null. */
    private ProfileVariants.Measured measured(String stream) {
        HlsAgent a = server.agent(stream);
        if (a == null || a.segmenter().height() <= 0 || a.segmenter().codecs().isEmpty()) {
            return null;
        }
        HlsSegmenter seg = a.segmenter();
        return new ProfileVariants.Measured(seg.width(), seg.height(), seg.codecs(), seg.bandwidthEstimate(a.store()::size));
    }

    private void send(HttpServerRequest req, HlsPath path, HlsAgent agent, String subscriber, String body) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        Buffer b = Buffer.buffer(body);
        agent.addBytes(subscriber, b.length());
        resp.putHeader(HttpHeaders.CONTENT_TYPE, path.contentType())
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
                .end(req.method() == HttpMethod.HEAD ? Buffer.buffer() : b);
    }

    private void asset(HttpServerRequest req, HlsAgent agent, HlsPath path, String subscriber) {
        HttpServerResponse resp = req.response();
        Runnable answer = () -> {
            if (resp.ended() || resp.closed()) {
                return;
            }
            if (!agent.store().has(path.file())) {
                error(resp, 404, "Segment not found: " + path.file());
                return;
            }
            agent.addBytes(subscriber, agent.store().size(path.file()));
            resp.putHeader(HttpHeaders.CONTENT_TYPE, path.contentType()).putHeader(HttpHeaders.CACHE_CONTROL, KEEP_A_MINUTE);
            if (req.method() == HttpMethod.HEAD) {
                resp.putHeader("Content-Length", String.valueOf(agent.store().size(path.file()))).end();
                return;
            }
            agent.store().serve(path.file(), resp);
        };
        if (agent.store().has(path.file())) {
            answer.run();
            return;
        }
        // LL-HLS: the preload-hinted part (or one just ahead of it) is answered once it exists.
        long[] part = path.partId();
        HlsSegmenter seg = agent.segmenter();
        if (part != null && seg.lowLatency() && part[0] >= seg.nextSequence() && part[0] <= seg.nextSequence() + 1) {
            agent.whenReady(() -> agent.store().has(path.file()) || agent.isClosed()
                            || seg.nextSequence() > part[0] + 1,
                    server.blockingWaitMs(), answer, () -> error(resp, 404, "Part not produced: " + path.file()));
            return;
        }
        error(resp, 404, "Segment not found: " + path.file());
    }

    /**
     * Query token, then cookie, then a stable hash of address and user agent, set as a cookie on
     * playlist answers: a player reads the playlist first, and one that keeps no cookies gets the same
     * derived id for every request anyway (a Set-Cookie on each segment answer was work for nothing).
     */
    private static String subscriberId(HttpServerRequest req, boolean setCookie) {
        String q = req.getParam(SESSION_PARAM);
        if (q != null && !q.isBlank() && q.length() <= 128) {
            return q;
        }
        Cookie c = req.getCookie(SESSION_COOKIE);
        if (c != null && !c.getValue().isBlank() && c.getValue().length() <= 128) {
            return c.getValue();
        }
        String derived = "s" + Integer.toHexString((remote(req) + "|" + userAgent(req)).hashCode());
        if (setCookie) {
            req.response().addCookie(Cookie.cookie(SESSION_COOKIE, derived).setPath("/"));
        }
        return derived;
    }

    private static String remote(HttpServerRequest req) {
        return req.remoteAddress() == null ? "" : req.remoteAddress().host();
    }

    private static String userAgent(HttpServerRequest req) {
        String ua = req.getHeader("User-Agent");
        return ua == null ? "" : ua;
    }

    static void error(HttpServerResponse resp, int status, String message) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", status).put("error", message).encode());
    }
}
