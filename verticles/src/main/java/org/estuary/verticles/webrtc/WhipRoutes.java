package org.estuary.verticles.webrtc;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.verticles.agent.ControlError;

/**
 * WHIP (RFC 9725) and WHEP over HTTP: {@code POST /whip/<stream>} with an SDP offer answers
 * 201 + the SDP answer + {@code Location: /whip/<stream>/<session>}; {@code DELETE} on that
 * location ends the session; same for {@code /whep/}. CORS is open so any page can publish.
 * Errors are JSON: {@code {"status":400,"error":"Bad Request","message":"..."}}.
 * {@code GET /webrtc/stats} shows the engine's counters.
 */
public final class WhipRoutes {
    private final WebRtcSessions sessions;
    private final String allowOrigin;

    public WhipRoutes(WebRtcSessions sessions, String allowOrigin) {
        this.sessions = sessions;
        this.allowOrigin = allowOrigin == null || allowOrigin.isBlank() ? "*" : allowOrigin;
    }

    public void mount(Router r) {
        for (String base : new String[] {"/whip", "/whep"}) {
            WebRtcSessions.Direction dir = base.equals("/whip") ? WebRtcSessions.Direction.PUBLISH : WebRtcSessions.Direction.PLAY;
            r.route(base + "/*").handler(this::cors);
            r.post(base + "/:stream").handler(BodyHandler.create().setBodyLimit(SdpOffer.MAX_BYTES)).handler(c -> offer(c, base, dir));
            r.delete(base + "/:stream/:session").handler(this::delete);
            r.patch(base + "/:stream/:session").handler(c -> error(c, 405, "trickle ICE is not supported: send a complete offer"));
        }
        r.get("/webrtc/stats").handler(c -> c.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject(new java.util.LinkedHashMap<>(sessions.stats())).encode()));
    }

    private void cors(RoutingContext c) {
        c.response()
                .putHeader("Access-Control-Allow-Origin", allowOrigin)
                .putHeader("Access-Control-Allow-Methods", "POST, DELETE, PATCH, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, If-Match")
                .putHeader("Access-Control-Expose-Headers", "Location, ETag, Link");
        if (c.request().method() == HttpMethod.OPTIONS) {
            c.response().putHeader("Accept-Post", "application/sdp").setStatusCode(204).end();
            return;
        }
        c.next();
    }

    private void offer(RoutingContext c, String base, WebRtcSessions.Direction dir) {
        String type = c.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            error(c, 415, "Content-Type must be application/sdp, not " + type);
            return;
        }
        String stream = c.pathParam("stream");
        String sdp = c.body() == null ? null : c.body().asString();
        java.util.Map<String, String> params = new java.util.HashMap<>();
        c.queryParams().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
        String auth = c.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            params.putIfAbsent("token", auth.substring(7).trim()); // WHIP's bearer token, for hooks/access rules
        }
        String protocol = base.equals("/whip") ? "WHIP" : "WHEP";
        sessions.open(new WebRtcSessions.Request(sdp, stream, dir, "", protocol,
                        c.request().remoteAddress() == null ? "" : c.request().remoteAddress().hostAddress(), params, null))
                .onSuccess(a -> c.response()
                        .setStatusCode(201)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/sdp")
                        .putHeader(HttpHeaders.LOCATION, base + "/" + urlEncode(stream) + "/" + a.sessionId())
                        .end(a.sdp()))
                .onFailure(e -> error(c, ControlError.status(e), e.getMessage()));
    }

    private void delete(RoutingContext c) {
        sessions.close(c.pathParam("session"), "Stopped by HTTP DELETE")
                .onSuccess(v -> c.response().setStatusCode(200).end())
                .onFailure(e -> error(c, ControlError.status(e), e.getMessage()));
    }

    private static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void error(RoutingContext c, int status, String message) {
        if (c.response().ended()) {
            return;
        }
        c.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("status", status)
                        .put("error", io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase())
                        .put("message", message).encode());
    }
}
