package org.estuary.verticles.rest;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the CORS headers on every answer and ends OPTIONS preflights with 204. With
 * {@code rest.corsAllowOrigin} "*" (or "" while auth is off) any page may call, as the reference
 * server allows; with a list only those origins get the headers (echoed back, with
 * {@code Vary: Origin}), so a browser refuses to let other pages call or read.
 *
 * <p>Hand-rolled instead of vertx-web's CorsHandler: that one only adds headers when the request
 * carries an Origin, while the reference shows them on every response.
 */
final class CorsHandler implements Handler<RoutingContext> {
    static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    static final String ALLOW_HEADERS = "Content-Type, Authorization";

    private final RestSecurity.CorsPolicy policy;

    CorsHandler(RestSecurity.CorsPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (policy.allowAny()) {
            allow(ctx, "*");
        } else {
            ctx.response().putHeader("Vary", "Origin"); // the answer depends on the caller's origin
            if (policy.origins().size() == 1) {
                // one origin: always named, whoever asks (a browser compares it with its own origin)
                allow(ctx, policy.configured());
            } else if (origin != null && policy.allows(origin)) {
                allow(ctx, origin);
            }
        }
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.next();
    }

    private static void allow(RoutingContext ctx, String origin) {
        ctx.response()
            .putHeader("Access-Control-Allow-Origin", origin)
            .putHeader("Access-Control-Allow-Methods", ALLOW_METHODS)
            .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
    }
}
