package org.estuary.verticles.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.HttpConnectionLimit;
import org.estuary.verticles.tls.TlsServers;

/**
 * The REST API server: an HTTP server whose router validates {@code /rest-api/<group>/<method>}
 * requests and forwards them on the event bus (see {@link RestRouter}, {@link ApiMethods}).
 *
 * <p>Other components mount their own routes (e.g. {@code /metrics}, {@code /health}) with
 * {@link #addRoutes(Consumer)} before deployment, or through the constructor's list.
 */
public class RestVerticle extends VerticleBase {
    /** How long a forwarded request waits for the feature verticle before the answer is 504. */
    public static final long DEFAULT_SEND_TIMEOUT_MS = 30_000;

    private final int port;
    private final String bindAddress;
    private final String corsAllowOrigin;
    private final long maxBodyBytes;
    private final List<Consumer<Router>> extraRoutes;
    private long sendTimeoutMs = DEFAULT_SEND_TIMEOUT_MS;
    private RestSecurity security;
    private TlsServers tls;
    private int tlsPort = -1;
    private volatile HttpServer tlsServer;
    private volatile HttpServer server;
    private Limits limits = Limits.none();

    /**
     * @param port            TCP port; 0 picks any free port (see {@link #actualPort()})
     * @param bindAddress     interface to bind, e.g. {@code 0.0.0.0}
     * @param corsAllowOrigin value of {@code Access-Control-Allow-Origin}; blank means {@code *}
     * @param maxBodyBytes    request bodies above this size are answered 413
     */
    public RestVerticle(int port, String bindAddress, String corsAllowOrigin, long maxBodyBytes) {
        this(port, bindAddress, corsAllowOrigin, maxBodyBytes, List.of());
    }

    /** As above, plus route contributors applied (in order) when the router is built at start. */
    public RestVerticle(int port, String bindAddress, String corsAllowOrigin, long maxBodyBytes,
                        List<Consumer<Router>> extraRoutes) {
        this.port = port;
        this.bindAddress = bindAddress;
        this.corsAllowOrigin = corsAllowOrigin;
        this.maxBodyBytes = maxBodyBytes;
        this.extraRoutes = new ArrayList<>(extraRoutes);
    }

    /**
     * Adds routes to the router, e.g. {@code rest.addRoutes(r -> r.get("/health").handler(...))}.
     * Applied before the API catch-all, so they may also claim paths under {@code /rest-api}.
     *
     * @throws IllegalStateException once the verticle has started
     */
    public synchronized RestVerticle addRoutes(Consumer<Router> routes) {
        if (server != null) {
            throw new IllegalStateException("RestVerticle already started; add routes before deployment");
        }
        extraRoutes.add(routes);
        return this;
    }

    /** Authentication and CORS (default: none, origins from the constructor); call before deployment. */
    public synchronized RestVerticle security(RestSecurity security) {
        this.security = security;
        return this;
    }

    /** Also serves the API over HTTPS (HTTP/2 via ALPN) on {@code port}; call before deployment. */
    public synchronized RestVerticle tls(TlsServers tls, int port) {
        this.tls = tls;
        this.tlsPort = port;
        return this;
    }

    /** The bound HTTPS port once started, or -1 when TLS is off. */
    public int actualTlsPort() {
        HttpServer s = tlsServer;
        return s == null ? -1 : s.actualPort();
    }

    /** The node's connection limits, applied to every HTTP(S) connection of this port; call before deployment. */
    public synchronized RestVerticle limits(Limits limits) {
        this.limits = limits;
        return this;
    }

    /** Overrides {@link #DEFAULT_SEND_TIMEOUT_MS}; call before deployment. */
    public synchronized RestVerticle sendTimeoutMs(long timeoutMs) {
        this.sendTimeoutMs = timeoutMs;
        return this;
    }

    /** The bound port once started (useful with port 0), or -1 before. */
    public int actualPort() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    /** The router this verticle serves, for embedding the API in another HTTP server. */
    public static Router buildRouter(Vertx vertx, String corsAllowOrigin, long maxBodyBytes,
                                     List<Consumer<Router>> extraRoutes) {
        return RestRouter.build(vertx, corsAllowOrigin, maxBodyBytes, DEFAULT_SEND_TIMEOUT_MS, extraRoutes);
    }

    @Override
    public synchronized Future<?> start() {
        Router router = RestRouter.build(vertx, security == null ? RestSecurity.open(corsAllowOrigin) : security,
                maxBodyBytes, sendTimeoutMs, List.copyOf(extraRoutes));
        HttpConnectionLimit places = new HttpConnectionLimit(vertx, limits);
        Handler<HttpServerRequest> handler = router;
        return places.apply(vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost(bindAddress)
                // Plain HTTP/1.1: an h2c upgrade request (the JDK HttpClient sends one) once garbled a
                // large response; REST clients do not need HTTP/2 in clear text.
                .setHttp2ClearTextEnabled(false)), handler)
            .listen()
            .onSuccess(s -> server = s)
            .compose(s -> tls == null ? Future.succeededFuture(s)
                    : places.apply(vertx.createHttpServer(tls.https(new HttpServerOptions().setPort(tlsPort)
                        .setHost(bindAddress))), handler).listen().onSuccess(t -> {
                            tlsServer = t;
                            tls.register(o -> t.updateSSLOptions(o, true));
                        }));
    }

    @Override
    public Future<?> stop() {
        HttpServer s = server;
        HttpServer t = tlsServer;
        return Future.join(s == null ? Future.succeededFuture() : s.close(),
                t == null ? Future.succeededFuture() : t.close());
    }
}
