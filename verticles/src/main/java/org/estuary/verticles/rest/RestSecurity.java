package org.estuary.verticles.rest;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.estuary.core.config.RestAuth;

/**
 * Who may call the control API ({@code /rest-api/*}), download recordings ({@code /records/*}) and
 * read {@code /metrics}: HTTP Basic against {@code rest.users} or bearer tokens, compared in
 * constant time. Refusals are JSON: 401 (no or wrong credentials, with {@code WWW-Authenticate}),
 * 403 (a cross-site caller whose Origin is not allowed), 415 (a POST that is not
 * {@code application/json}: such a POST is what a foreign web page can send without the browser
 * asking first, so refusing it stops cross-site request forgery).
 * {@code /health} stays open for load balancers; CORS preflights are answered before this runs.
 */
public final class RestSecurity implements Handler<RoutingContext> {
    private final RestAuth mode;
    private final Map<String, byte[]> users = new LinkedHashMap<>();
    private final List<byte[]> tokens = new ArrayList<>();
    private final boolean protectMetrics;
    private final CorsPolicy cors;
    /** Compared against when the user is unknown, so an unknown name takes as long as a wrong password. */
    private static final byte[] NOBODY = "\u0000nobody\u0000".getBytes(StandardCharsets.UTF_8);

    public RestSecurity(RestAuth mode, List<String> users, List<String> tokens, boolean protectMetrics,
                        String corsAllowOrigin) {
        this.mode = mode;
        for (String u : users) {
            int colon = u.indexOf(':');
            this.users.put(u.substring(0, colon), u.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        tokens.forEach(t -> this.tokens.add(t.trim().getBytes(StandardCharsets.UTF_8)));
        this.protectMetrics = protectMetrics;
        this.cors = CorsPolicy.of(corsAllowOrigin, mode != RestAuth.NONE);
    }

    /** No authentication, any origin: the behaviour before these settings existed (tests, embedding). */
    public static RestSecurity open(String corsAllowOrigin) {
        return new RestSecurity(RestAuth.NONE, List.of(), List.of(), false, corsAllowOrigin);
    }

    CorsPolicy cors() {
        return cors;
    }

    public boolean authenticates() {
        return mode != RestAuth.NONE;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!guarded(path)) {
            ctx.next();
            return;
        }
        if (mode != RestAuth.NONE && !authenticated(ctx.request().getHeader("Authorization"))) {
            ctx.response().putHeader("WWW-Authenticate", mode == RestAuth.BASIC
                    ? "Basic realm=\"estuary\", charset=\"UTF-8\"" : "Bearer realm=\"estuary\"");
            Responses.error(ctx, ApiError.of(401, "Authentication required (" + mode.name().toLowerCase(Locale.ROOT)
                    + ")"));
            return;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && !cors.allowAny() && !cors.allows(origin) && !sameOrigin(ctx, origin)) {
            Responses.error(ctx, ApiError.of(403, "Cross-origin requests from " + origin + " are not allowed")
                    .with("origin", origin));
            return;
        }
        if (ctx.request().method() == HttpMethod.POST && (mode != RestAuth.NONE || !cors.allowAny())
                && !isJson(ctx.request().getHeader("Content-Type"))) {
            Responses.error(ctx, ApiError.of(415, "POST requests must have Content-Type: application/json"));
            return;
        }
        ctx.next();
    }

    private boolean guarded(String path) {
        if (path.startsWith(RestRouter.API_ROOT + "/") || path.equals(RestRouter.API_ROOT)
                || path.equals("/records") || path.startsWith("/records/")) {
            return true;
        }
        return protectMetrics && path.equals("/metrics");
    }

    boolean authenticated(String header) {
        if (header == null) {
            return false;
        }
        int space = header.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = header.substring(0, space).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).trim();
        if (mode == RestAuth.BASIC && scheme.equals("basic")) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                return false;
            }
            byte[] expected = users.get(pair.substring(0, colon));
            boolean match = MessageDigest.isEqual(expected == null ? NOBODY : expected,
                    pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
            return match && expected != null;
        }
        if (mode == RestAuth.BEARER && scheme.equals("bearer")) {
            byte[] given = value.getBytes(StandardCharsets.UTF_8);
            boolean match = false;
            for (byte[] t : tokens) { // every token is compared: the time says nothing about which matched
                match |= MessageDigest.isEqual(t, given);
            }
            return match;
        }
        return false;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"));
    }

    /** A page served by this same host:port (e.g. the built-in web page) is not cross-origin. */
    private static boolean sameOrigin(RoutingContext ctx, String origin) {
        String host = ctx.request().getHeader("Host");
        if (host == null) {
            return false;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        return o.equals("http://" + host.toLowerCase(Locale.ROOT)) || o.equals("https://" + host.toLowerCase(Locale.ROOT));
    }

    /** Which browser origins may call: any, or a fixed list. */
    record CorsPolicy(boolean allowAny, Set<String> origins, String configured) {
        static CorsPolicy of(String setting, boolean authOn) {
            String s = setting == null ? "" : setting.trim();
            if (s.equals("*") || (s.isEmpty() && !authOn)) {
                return new CorsPolicy(true, Set.of(), "*");
            }
            Set<String> list = new java.util.LinkedHashSet<>();
            for (String o : s.split(",")) {
                if (!o.isBlank()) {
                    list.add(o.trim().toLowerCase(Locale.ROOT));
                }
            }
            return new CorsPolicy(false, Set.copyOf(list), list.size() == 1 ? s.split(",")[0].trim() : "");
        }

        boolean allows(String origin) {
            return allowAny || (origin != null && origins.contains(origin.trim().toLowerCase(Locale.ROOT)));
        }
    }
}
