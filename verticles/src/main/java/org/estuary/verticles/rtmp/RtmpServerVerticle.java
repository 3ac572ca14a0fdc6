package org.estuary.verticles.rtmp;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.estuary.core.session.Admission;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.session.RtmpMetrics;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.tls.TlsServers;
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
    private TlsServers tls;
    private int tlsPort = -1;
    private volatile NetServer tlsServer;

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
        return server.listen().onSuccess(s -> LOG.debug("RTMP verticle listening on {}", s.actualPort()))
                .compose(s -> tls == null ? Future.succeededFuture(s)
                        : vertx.createNetServer(tls.tls(new NetServerOptions().setHost(settings.bindAddress())
                                        .setPort(tlsPort).setTcpNoDelay(true).setReuseAddress(true)))
                                .connectHandler(socket -> new RtmpConnection(vertx, socket, settings, streams, connections,
                                        metrics, drains, admission).start())
                                .listen().onSuccess(t -> {
                                    tlsServer = t;
                                    tls.register(o -> t.updateSSLOptions(o, true));
                                    LOG.info("RTMPS listening on {}:{}", settings.bindAddress(), t.actualPort());
                                }));
    }

    @Override
    public Future<?> stop() {
        NetServer t = tlsServer;
        return Future.join(server == null ? Future.succeededFuture() : server.close(),
                t == null ? Future.succeededFuture() : t.close());
    }

    /** Also accepts RTMPS (RTMP inside TLS) on {@code port}; call before deploying. */
    public RtmpServerVerticle tls(TlsServers tls, int port) {
        this.tls = tls;
        this.tlsPort = port;
        return this;
    }

    /** The bound RTMPS port, or -1 when TLS is off. */
    public int actualTlsPort() {
        NetServer t = tlsServer;
        return t == null ? -1 : t.actualPort();
    }

    /** The bound port (useful when configured as 0). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
