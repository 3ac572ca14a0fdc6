package org.estuary.verticles.rest;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the CORS headers on every answer and ends OPTIONS preflights with 204. Browsers' web
 * consoles call the REST API cross-origin, and the reference server allows that too.
 *
 * <p>Hand-rolled instead of vertx-web's CorsHandler: that one only adds headers when the request
 * carries an Origin, while the reference shows them on every response.
 */
final class CorsHandler implements Handler<RoutingContext> {
    static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    static final String ALLOW_HEADERS = "Content-Type, Authorization";

    private final String allowOrigin;

    CorsHandler(String allowOrigin) {
        this.allowOrigin = allowOrigin == null || allowOrigin.isBlank() ? "*" : allowOrigin;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response()
            .putHeader("Access-Control-Allow-Origin", allowOrigin)
            .putHeader("Access-Control-Allow-Methods", ALLOW_METHODS)
            .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
        if (!"*".equals(allowOrigin)) {
            // the answer depends on the configured origin; keep caches honest
            ctx.response().putHeader("Vary", "Origin");
        }
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.next();
    }
}
