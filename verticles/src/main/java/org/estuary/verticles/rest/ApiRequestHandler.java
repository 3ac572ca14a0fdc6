package org.estuary.verticles.rest;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.control.ReplyEncoding;
import org.estuary.verticles.agent.SharedAnswers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every {@code /rest-api/<group>/<method>}: look the method up, check the HTTP method,
 * validate the body, forward it to {@code Addresses.api(canonicalPath)} and translate the reply.
 *
 * <p>One catch-all handler instead of a route per method, so unknown paths and wrong HTTP methods
 * get the API's own JSON answers (404/405) rather than the router's defaults.
 */
final class ApiRequestHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestHandler.class);

    private final Vertx vertx;
    private final long sendTimeoutMs;
    private final LocalMap<String, SharedAnswers.Answer> sharedAnswers;

    ApiRequestHandler(Vertx vertx, long sendTimeoutMs) {
        this.vertx = vertx;
        this.sendTimeoutMs = sendTimeoutMs;
        this.sharedAnswers = SharedAnswers.of(vertx);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = methodPath(ctx.request().path());
        ApiMethod method = ApiMethods.find(path).orElse(null);
        if (method == null) {
            Responses.error(ctx, ApiError.of(404, "Unknown REST method " + ctx.request().path())
                .with("path", ctx.request().path()));
            return;
        }
        HttpMethod httpMethod = ctx.request().method();
        boolean allowed = httpMethod == HttpMethod.POST || (httpMethod == HttpMethod.GET && method.parameterless());
        if (!allowed) {
            String allow = method.parameterless() ? "GET, POST, OPTIONS" : "POST, OPTIONS";
            ctx.response().putHeader("Allow", allow);
            Responses.error(ctx, ApiError.of(405, httpMethod.name() + " is not allowed for " + method.path()
                    + "; use " + allow.replace(", OPTIONS", ""))
                .with("method", method.path()));
            return;
        }
        JsonObject body;
        try {
            body = RequestValidator.parse(ctx.body().buffer());
            RequestValidator.validate(method, body);
        } catch (RequestValidator.ValidationException e) {
            Responses.error(ctx, e.error());
            return;
        }
        boolean gzip = ReplyEncoding.acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING));
        // an answer the verticle keeps current (SharedAnswers): sent from this event loop, no event-bus hop
        SharedAnswers.Answer shared = sharedAnswers.get(method.path());
        Buffer ready = shared == null ? null : shared.current(gzip);
        if (ready != null) {
            answer(ctx, gzip, ready);
            return;
        }
        // localOnly: a node's REST API reports and controls that node (as in WCS). Every node registers the
        // same addresses, and a clustered event bus would otherwise hand the request to any of them.
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(sendTimeoutMs).setLocalOnly(true);
        if (gzip) {
            options.addHeader(ReplyEncoding.ACCEPTS_GZIP, "true");
        }
        vertx.eventBus().<Object>request(method.address(), body, options)
            .onSuccess(reply -> answer(ctx, ReplyEncoding.GZIP.equals(reply.headers().get(ReplyEncoding.CONTENT_ENCODING)),
                replyBody(reply)))
            .onFailure(failure -> Responses.error(ctx, toError(method, failure)));
    }

    /** 200 with {@code body}; {@code gzipped}: compressed once by the verticle for every client that accepts it (ReplyEncoding). */
    private static void answer(RoutingContext ctx, boolean gzipped, Buffer body) {
        if (gzipped) {
            ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, ReplyEncoding.GZIP)
                .putHeader(HttpHeaders.VARY, "Accept-Encoding");
        }
        Responses.json(ctx, 200, body);
    }

    /** "/rest-api/stream/find_all/" → "/stream/find_all". */
    static String methodPath(String requestPath) {
        String p = requestPath.substring(RestRouter.API_ROOT.length());
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** JSON as JSON, nothing as an empty body; scalars (e.g. a bare state string) JSON-encoded. */
    private static Buffer replyBody(Message<Object> reply) {
        Object body = reply.body();
        if (body == null) {
            return Buffer.buffer();
        }
        if (body instanceof JsonObject o) {
            return o.toBuffer();
        }
        if (body instanceof JsonArray a) {
            return a.toBuffer();
        }
        if (body instanceof Buffer b) {
            return b; // already-encoded JSON from the feature verticle
        }
        if (body instanceof String s && s.isEmpty()) {
            return Buffer.buffer();
        }
        return Buffer.buffer(Json.encode(body));
    }

    private ApiError toError(ApiMethod method, Throwable failure) {
        if (failure instanceof ReplyException re) {
            switch (re.failureType()) {
                case NO_HANDLERS:
                    return ApiError.of(501, method.path() + " is not implemented yet in this Estuary version")
                        .with("method", method.path());
                case TIMEOUT:
                    return ApiError.of(504, method.path() + " did not answer within " + sendTimeoutMs + " ms");
                case RECIPIENT_FAILURE:
                    if (ApiStatus.isHttp(re.failureCode())) {
                        ApiError e = ApiError.of(re.failureCode(), messageOf(re));
                        // a refusal by a limit (core.limits.Refusal#message) also names its key on its own
                        var limit = LIMIT.matcher(messageOf(re));
                        return limit.lookingAt() ? e.with("limit", limit.group(1)) : e;
                    }
                    LOG.warn("{} failed with non-HTTP code {}: {}", method.path(), re.failureCode(), re.getMessage());
                    return ApiError.of(500, messageOf(re));
                default:
                    break;
            }
        }
        // the cause goes to the log only: a response never carries internals
        LOG.error("{} failed", method.path(), failure);
        return ApiError.of(500, "Internal error while serving " + method.path());
    }

    private static final java.util.regex.Pattern LIMIT = java.util.regex.Pattern.compile("limit (limits\\.\\w+) ");

    private static String messageOf(ReplyException re) {
        return re.getMessage() == null ? ApiError.reasonPhrase(re.failureCode() >= 400 ? re.failureCode() : 500)
            : re.getMessage();
    }
}
