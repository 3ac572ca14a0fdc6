package org.estuary.verticles.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The browser-facing HTTP server ({@code websocket.port}). It owns no routes of its own: each
 * feature (WHIP/WHEP, WebSocket API, web page) mounts its routes through {@link #addRoutes}.
 */
public final class WebPortVerticle extends VerticleBase {
    private final int port;
    private final String bindAddress;
    private final List<Consumer<Router>> routes = new ArrayList<>();
    private int webSocketFrameLimit = 65_536;
    private volatile HttpServer server;

    public WebPortVerticle(int port, String bindAddress) {
        this.port = port;
        this.bindAddress = bindAddress;
    }

    /** Adds a feature's routes; call before deployment. */
    public synchronized WebPortVerticle addRoutes(Consumer<Router> r) {
        if (server != null) {
            throw new IllegalStateException("WebPortVerticle already started; add routes before deployment");
        }
        routes.add(r);
        return this;
    }

    /**
     * Largest WebSocket frame (and message) Vert.x accepts before closing the connection; the
     * WebSocket API refuses smaller oversized messages itself, with an answer. Call before deployment.
     */
    public synchronized WebPortVerticle webSocketFrameLimit(int bytes) {
        webSocketFrameLimit = Math.max(webSocketFrameLimit, bytes);
        return this;
    }

    /** The bound port once started, or -1. */
    public int actualPort() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    @Override
    public synchronized Future<?> start() {
        Router router = Router.router(vertx);
        for (Consumer<Router> r : routes) {
            r.accept(router);
        }
        HttpServerOptions options = new HttpServerOptions().setPort(port).setHost(bindAddress)
                .setHttp2ClearTextEnabled(false)
                .setMaxWebSocketFrameSize(webSocketFrameLimit).setMaxWebSocketMessageSize(webSocketFrameLimit);
        return vertx.createHttpServer(options)
                .requestHandler(router)
                .listen()
                .onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
        HttpServer s = server;
        return s == null ? Future.succeededFuture() : s.close();
    }
}
