package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's own event-bus bridges, so outside programs can subscribe to the node's event addresses
 * ({@value #OUTBOUND}: stream, connection, agent and node events, which are published cluster-wide, so one
 * bridge sees the events of every node):
 * <ul>
 *   <li>the TCP bridge (frames of a 4-byte big-endian length and UTF-8 JSON) on {@code cdn.bridgePort};</li>
 *   <li>the SockJS bridge of vertx-web (browsers: {@code @vertx/eventbus-bridge-client.js} over
 *       {@code sockjs-client}) on {@code cdn.sockJsPort}, path {@value #SOCKJS_PATH}.</li>
 * </ul>
 * Outbound only by default: nothing a client sends reaches the bus (it gets {@code access_denied}), so a bridge
 * cannot be used to call the control plane, unless {@code cdn.bridgeInbound} names addresses (a regex) that may
 * be sent to.
 */
final class EventBridge {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridge.class);
    /** The addresses a client may register for. */
    static final String OUTBOUND = "estuary\\.events\\..+";
    /** Where the SockJS bridge is served on its port ({@code http://host:port/eventbus}). */
    static final String SOCKJS_PATH = "/eventbus";

    private TcpEventBusBridge bridge;
    private HttpServer sockJs;

    /**
     * Starts the TCP bridge on {@code tcpPort} and, unless {@code sockJsPort} is 0, the SockJS bridge.
     *
     * @param inbound regex of the addresses clients may send or publish to; "" = none
     */
    Future<Void> start(Vertx vertx, String host, int tcpPort, int sockJsPort, String inbound) {
        BridgeOptions options = permitted(new BridgeOptions(), inbound);
        bridge = TcpEventBusBridge.create(vertx, options);
        Future<Void> tcp = bridge.listen(tcpPort, host).onSuccess(b -> LOG.info(
            "Event-bus bridge listening on {}:{} (outbound {}, inbound {})", host, tcpPort, OUTBOUND, describe(inbound)))
            .mapEmpty();
        if (sockJsPort == 0) {
            return tcp;
        }
        Router router = Router.router(vertx);
        SockJSBridgeOptions sockJsOptions = (SockJSBridgeOptions) permitted(new SockJSBridgeOptions(), inbound);
        router.route(SOCKJS_PATH + "/*").subRouter(SockJSHandler.create(vertx).bridge(sockJsOptions));
        Future<Void> web = vertx.createHttpServer().requestHandler(router).listen(sockJsPort, host)
            .onSuccess(server -> {
                sockJs = server;
                LOG.info("SockJS event-bus bridge listening on http://{}:{}{} (outbound {}, inbound {})", host,
                    server.actualPort(), SOCKJS_PATH, OUTBOUND, describe(inbound));
            }).mapEmpty();
        return Future.all(tcp, web).mapEmpty();
    }

    private static BridgeOptions permitted(BridgeOptions options, String inbound) {
        options.addOutboundPermitted(new PermittedOptions().setAddressRegex(OUTBOUND));
        if (!inbound.isEmpty()) {
            options.addInboundPermitted(new PermittedOptions().setAddressRegex(inbound));
        }
        return options;
    }

    private static String describe(String inbound) {
        return inbound.isEmpty() ? "none" : inbound;
    }

    Future<Void> stop() {
        Future<Void> web = sockJs == null ? Future.succeededFuture() : sockJs.close();
        Future<Void> tcp = bridge == null ? Future.succeededFuture() : bridge.close();
        return Future.all(web, tcp).mapEmpty();
    }
}
