package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's own TCP event-bus bridge (frames of a 4-byte big-endian length and UTF-8 JSON), so outside
 * programs can subscribe to the node's event addresses ({@value #OUTBOUND}: stream, connection, agent and
 * node events, which are published cluster-wide, so one bridge sees the events of every node). Outbound
 * only: nothing a client sends reaches the bus (it gets {@code access_denied}), so the bridge cannot be used
 * to call the control plane.
 */
final class EventBridge {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridge.class);
    /** The addresses a client may register for. */
    static final String OUTBOUND = "estuary\\.events\\..+";

    private TcpEventBusBridge bridge;

    Future<Void> start(Vertx vertx, String host, int port) {
        BridgeOptions options = new BridgeOptions().addOutboundPermitted(new PermittedOptions().setAddressRegex(OUTBOUND));
        bridge = TcpEventBusBridge.create(vertx, options);
        return bridge.listen(port, host).onSuccess(b -> LOG.info("Event-bus bridge listening on {}:{} (outbound {})",
            host, port, OUTBOUND)).mapEmpty();
    }

    Future<Void> stop() {
        return bridge == null ? Future.succeededFuture() : bridge.close();
    }
}
