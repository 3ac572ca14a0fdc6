package org.estuary.verticles.agent;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.core.limits.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection limits ({@code limits.maxConnections}, {@code maxConnectionsPerAddress},
 * {@code newConnectionsPerSecondPerAddress}) for an HTTP port (REST, HLS): every TCP connection
 * holds a place from accept to close, as an RTMP or WebSocket client does. A refused connection
 * is not dropped silently: its first request is answered in HTTP's words (429 for the rate, 503 for
 * a count, JSON naming the key, {@code Connection: close}) and the connection closed; one that sends
 * nothing is closed after {@link #SILENT_REFUSED_CLOSE_MS}.
 */
public final class HttpConnectionLimit {
    /** How long a refused connection may stay open without sending a request. */
    static final long SILENT_REFUSED_CLOSE_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectionLimit.class);
    private final Vertx vertx;
    private final Limits limits;
    private final Map<HttpConnection, Refusal> refused = new ConcurrentHashMap<>();

    public HttpConnectionLimit(Vertx vertx, Limits limits) {
        this.vertx = vertx;
        this.limits = limits;
    }

    /** Counts {@code server}'s connections and puts the refusal in front of {@code handler}; call before listen. */
    public HttpServer apply(HttpServer server, Handler<HttpServerRequest> handler) {
        server.connectionHandler(this::opened);
        return server.requestHandler(req -> {
            Refusal r = refused.get(req.connection());
            if (r == null) {
                handler.handle(req);
            } else {
                answer(req, r);
            }
        });
    }

    private void opened(HttpConnection c) {
        Limits.Result<Limits.Permit> place = limits.openConnection(c.remoteAddress().hostAddress());
        if (place.allowed()) {
            c.closeHandler(v -> place.value().release());
            return;
        }
        LOG.info("HTTP connection from {} refused: {}", c.remoteAddress(), place.refusal().message());
        refused.put(c, place.refusal());
        c.closeHandler(v -> refused.remove(c));
        vertx.setTimer(SILENT_REFUSED_CLOSE_MS, t -> {
            if (refused.containsKey(c)) {
                c.close();
            }
        });
    }

    private void answer(HttpServerRequest req, Refusal r) {
        int status = r.limit() == Limit.CONNECTION_RATE_PER_ADDRESS ? 429 : 503;
        HttpConnection c = req.connection();
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").putHeader("Retry-After", "1")
                .end(new JsonObject().put("status", status).put("message", r.message())
                        .put("limit", r.limit().configKey()).encode())
                .onComplete(ar -> c.close());
    }
}
