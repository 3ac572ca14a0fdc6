package org.estuary.verticles.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;

/**
 * A JSON error answer: {@code {"status":N,"error":"<reason phrase>","message":"..."}} plus
 * optional extra members such as {@code field} or {@code method}. Never carries a stack trace.
 */
public final class ApiError {
    private final int status;
    private final JsonObject body;

    private ApiError(int status, String message) {
        this.status = status;
        this.body = new JsonObject()
            .put("status", status)
            .put("error", reasonPhrase(status))
            .put("message", message);
    }

    /** An error with the given HTTP status and human-readable message. */
    public static ApiError of(int status, String message) {
        return new ApiError(status, message);
    }

    /** Adds an extra member (e.g. {@code field}, {@code path}) to the body. */
    public ApiError with(String key, Object value) {
        body.put(key, value);
        return this;
    }

    public int status() {
        return status;
    }

    /** A copy of the JSON body. */
    public JsonObject body() {
        return body.copy();
    }

    /** The standard reason phrase, e.g. "Not Found"; Netty knows every registered code. */
    public static String reasonPhrase(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }
}
