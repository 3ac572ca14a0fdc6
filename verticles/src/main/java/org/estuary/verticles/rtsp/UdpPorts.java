package org.estuary.verticles.rtsp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.OptionalInt;
import org.estuary.core.net.PortPool;
import org.estuary.core.rtsp.RtpTrack;

/** Binds RTP/RTCP port pairs from the node's media port range for UDP sessions. */
final class UdpPorts {
    private static final int RECEIVE_BUFFER = 2 << 20;
    private static final int MAX_ATTEMPTS = 16;

    private final Vertx vertx;
    private final PortPool pool;
    private final String bindAddress;

    UdpPorts(Vertx vertx, PortPool pool, String bindAddress) {
        this.vertx = vertx;
        this.pool = pool;
        this.bindAddress = bindAddress;
    }

    /** Binds an even/odd pair and wires its packets into {@code session}. */
    Future<RtpTransport.Track> open(RtpTrack track, RtspSession session) {
        return bind(0).map(pair -> {
            RtpTransport.Track t = RtpTransport.Track.udp(track, pair.rtp, pair.rtcp, pair.port);
            // only the RTSP server's address may feed the session (anyone can send to an open port)
            pair.rtp.handler(p -> {
                if (session.fromServer(p.sender().hostAddress())) {
                    session.rtp(t, p.data().getBytes());
                }
            });
            pair.rtcp.handler(p -> {
                if (session.fromServer(p.sender().hostAddress())) {
                    session.rtcp(t, p.data().getBytes());
                }
            });
            return t;
        });
    }

    private record Pair(int port, DatagramSocket rtp, DatagramSocket rtcp) { }

    private Future<Pair> bind(int attempt) {
        if (attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(new RtspSession.SessionFailure("no free UDP port pair in the media range "
                    + pool.from() + "-" + pool.to(), RtspFailure.TRANSIENT, null));
        }
        OptionalInt reserved = pool.acquirePair(p -> true);
        if (reserved.isEmpty()) {
            return bind(MAX_ATTEMPTS);
        }
        int port = reserved.getAsInt();
        DatagramSocket rtp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(RECEIVE_BUFFER));
        DatagramSocket rtcp = vertx.createDatagramSocket(new DatagramSocketOptions());
        return rtp.listen(port, bindAddress)
                .compose(s -> rtcp.listen(port + 1, bindAddress))
                .map(s -> new Pair(port, rtp, rtcp))
                .recover(e -> {
                    rtp.close();
                    rtcp.close();
                    release(port);
                    return bind(attempt + 1);
                });
    }

    void release(int port) {
        pool.release(port);
        pool.release(port + 1);
    }
}
