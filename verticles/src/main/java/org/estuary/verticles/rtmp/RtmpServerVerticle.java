package org.estuary.verticles.rtmp;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.estuary.core.session.Admission;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts RTMP connections. Several instances may share the port (Vert.x spreads connections over
 * their event loops); all of them publish into and play from the same node hub.
 */
public final class RtmpServerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServerVerticle.class);

    private final RtmpSettings settings;
    private final StreamRegistry streams;
    private final ConnectionRegistry connections;
    private final RtmpMetrics metrics;
    private final Admission admission;
    private NetServer server;

    /** A server that lets every client in (tests, and nodes without access rules). */
    public RtmpServerVerticle(RtmpSettings settings, StreamRegistry streams, ConnectionRegistry connections,
                              RtmpMetrics metrics) {
        this(settings, streams, connections, metrics, Admission.allowAll());
    }

    public RtmpServerVerticle(RtmpSettings settings, StreamRegistry streams, ConnectionRegistry connections,
                              RtmpMetrics metrics, Admission admission) {
        this.admission = admission;
        this.settings = settings;
        this.streams = streams;
        this.connections = connections;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        NetServerOptions opts = new NetServerOptions()
                .setHost(settings.bindAddress())
                .setPort(settings.port())
                .setTcpNoDelay(true)
                .setReuseAddress(true);
        server = vertx.createNetServer(opts);
        DrainScheduler drains = new DrainScheduler(context, settings.writeCoalesceMs());
        server.connectHandler(socket -> new RtmpConnection(vertx, socket, settings, streams, connections, metrics, drains, admission).start());
        return server.listen().onSuccess(s -> LOG.debug("RTMP verticle listening on {}", s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The bound port (useful when configured as 0). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
