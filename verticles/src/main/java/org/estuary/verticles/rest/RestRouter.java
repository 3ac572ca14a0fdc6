package org.estuary.verticles.rest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the REST router. Order matters: CORS first (so every answer, errors included, carries
 * the headers), then the OpenAPI document, then extra routes from other components (metrics,
 * health), and last the {@code /rest-api/*} catch-all that serves the method table.
 */
public final class RestRouter {
    private static final Logger LOG = LoggerFactory.getLogger(RestRouter.class);

    /** Mount point of the API; methods live at {@code API_ROOT + "/group/method"}. */
    public static final String API_ROOT = "/rest-api";

    /** Where the served OpenAPI document is. */
    public static final String OPENAPI_PATH = API_ROOT + "/openapi.yaml";

    /** Classpath resource of the OpenAPI document (the build copies docs/openapi.yaml there). */
    public static final String OPENAPI_RESOURCE = "docs/openapi.yaml";

    private RestRouter() { }

    /**
     * Builds the router.
     *
     * @param vertx           the Vert.x instance whose event bus requests are forwarded on
     * @param corsAllowOrigin value of {@code Access-Control-Allow-Origin} ({@code *} when blank)
     * @param maxBodyBytes    larger request bodies are refused with 413
     * @param sendTimeoutMs   how long to wait for a feature verticle before answering 504
     * @param extraRoutes     applied in order before the API catch-all; may be empty
     */
    public static Router build(Vertx vertx, String corsAllowOrigin, long maxBodyBytes, long sendTimeoutMs,
                               List<Consumer<Router>> extraRoutes) {
        return build(vertx, RestSecurity.open(corsAllowOrigin), maxBodyBytes, sendTimeoutMs, extraRoutes);
    }

    /** As above, with authentication and CORS from {@code security} (guards the API, /records and /metrics). */
    public static Router build(Vertx vertx, RestSecurity security, long maxBodyBytes, long sendTimeoutMs,
                               List<Consumer<Router>> extraRoutes) {
        Router router = Router.router(vertx);
        router.route().handler(new CorsHandler(security.cors()));
        router.route().handler(security);

        Buffer openApi = loadOpenApi();
        router.get(OPENAPI_PATH).handler(ctx -> serveOpenApi(ctx, openApi));

        extraRoutes.forEach(extra -> extra.accept(router));

        router.route(API_ROOT + "/*")
            // no file uploads: the API takes JSON only, and uploads would create a directory on disk
            .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
            .handler(new ApiRequestHandler(vertx, sendTimeoutMs))
            .failureHandler(ctx -> onFailure(ctx, maxBodyBytes));

        // paths outside every route still get a JSON answer; errorHandler does not block later routes
        router.errorHandler(404, ctx -> Responses.error(ctx,
            ApiError.of(404, "No resource at " + ctx.request().path()).with("path", ctx.request().path())));
        router.errorHandler(500, ctx -> Responses.error(ctx, ApiError.of(500, "Internal error")));
        return router;
    }

    private static void onFailure(RoutingContext ctx, long maxBodyBytes) {
        if (ctx.statusCode() == 413) {
            Responses.error(ctx, ApiError.of(413, "Request body exceeds the limit of " + maxBodyBytes + " bytes"));
            return;
        }
        if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            Responses.error(ctx, ApiError.of(ctx.statusCode(), ApiError.reasonPhrase(ctx.statusCode())));
            return;
        }
        LOG.error("REST request {} failed", ctx.request().path(), ctx.failure());
        Responses.error(ctx, ApiError.of(500, "Internal error"));
    }

    private static void serveOpenApi(RoutingContext ctx, Buffer openApi) {
        if (openApi == null) {
            Responses.error(ctx, ApiError.of(404, "The OpenAPI document is not bundled in this build"));
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8").end(openApi);
    }

    // read once while the router is built (verticle start): a small jar resource, not worth an
    // executeBlocking round trip per request
    private static Buffer loadOpenApi() {
        ClassLoader loader = RestRouter.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                LOG.warn("Classpath resource {} missing; {} will answer 404", OPENAPI_RESOURCE, OPENAPI_PATH);
                return null;
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            LOG.warn("Cannot read {}", OPENAPI_RESOURCE, e);
            return null;
        }
    }
}
