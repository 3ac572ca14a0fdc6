package org.estuary.verticles.rest;

import io.vertx.ext.web.Router;
import org.estuary.core.limits.Limits;
import org.estuary.core.limits.Refusal;

/**
 * {@code limits.restRequestsPerSecondPerAddress} on the REST port: the first handler of every
 * request (before authentication, so a password guesser is slowed too) counts it for the client's
 * address and answers 429 with a JSON body naming the limit past the rate.
 */
public final class RateLimitRoutes {
    private final Limits limits;

    public RateLimitRoutes(Limits limits) {
        this.limits = limits;
    }

    /** Mounts the check in front of every other route ({@code rest.addRoutes(new RateLimitRoutes(l)::mount)}). */
    public void mount(Router router) {
        router.route().order(-1_000).handler(ctx -> {
            var refused = limits.restRequest(ctx.request().remoteAddress().hostAddress());
            if (refused.isEmpty()) {
                ctx.next();
                return;
            }
            Refusal r = refused.get();
            ctx.response().putHeader("Retry-After", "1");
            Responses.error(ctx, ApiError.of(429, r.message()).with("limit", r.limit().configKey()));
        });
    }
}
