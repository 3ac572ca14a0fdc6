package org.estuary.verticles.rest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes REST answers; every body the API produces is JSON. */
final class Responses {
    private Responses() { }

    static final String JSON = "application/json";

    /** Sends {@code error} as its status with the JSON error body. */
    static void error(RoutingContext ctx, ApiError error) {
        json(ctx, error.status(), error.body().toBuffer());
    }

    /** Sends {@code body} (JSON bytes; empty means an empty 200-style answer) with {@code status}. */
    static void json(RoutingContext ctx, int status, Buffer body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return; // the client went away; nothing to answer
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        // end(Buffer) sets Content-Length, 0 for the empty answers of action methods
        response.end(body);
    }
}
