package org.estuary.verticles.rtmp;

import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
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
    private Limits limits = Limits.none();

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
        server.connectHandler(socket -> accept(socket, drains));
        return server.listen().onSuccess(s -> LOG.debug("RTMP verticle listening on {}", s.actualPort()))
                .compose(s -> tls == null ? Future.succeededFuture(s)
                        : vertx.createNetServer(tls.tls(new NetServerOptions().setHost(settings.bindAddress())
                                        .setPort(tlsPort).setTcpNoDelay(true).setReuseAddress(true)))
                                .connectHandler(socket -> accept(socket, drains))
                                .listen().onSuccess(t -> {
                                    tlsServer = t;
                                    tls.register(o -> t.updateSSLOptions(o, true));
                                    LOG.info("RTMPS listening on {}:{}", settings.bindAddress(), t.actualPort());
                                }));
    }

    /**
     * Starts a connection within the connection limits. One past a limit still gets the RTMP
     * handshake and then a {@code NetConnection.Connect.Rejected} naming the limit (what a client
     * shows its user); one past the per-address connection rate is closed at once, since a flood
     * should not cost a handshake each.
     */
    private void accept(NetSocket socket, DrainScheduler drains) {
        Limits.Result<Limits.Permit> place = limits.openConnection(socket.remoteAddress().hostAddress());
        if (!place.allowed() && place.refusal().limit() == Limit.CONNECTION_RATE_PER_ADDRESS) {
            LOG.info("RTMP connection from {} refused: {}", socket.remoteAddress(), place.refusal().message());
            socket.close();
            return;
        }
        new RtmpConnection(vertx, socket, settings, streams, connections, metrics, drains, admission)
                .limits(limits, place).start();
    }

    /** The node's limits (connections, streams per connection); call before deploying. */
    public RtmpServerVerticle limits(Limits limits) {
        this.limits = limits;
        return this;
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
