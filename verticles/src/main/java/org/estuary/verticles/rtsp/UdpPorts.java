package org.estuary.verticles.rtsp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.estuary.core.net.PortPool;
import org.estuary.core.rtsp.RtpTrack;
import org.estuary.verticles.agent.UdpPortPairs;

/** RTP/RTCP port pairs (the kit's {@link UdpPortPairs}) wired into an RTSP session's UDP tracks. */
final class UdpPorts {
    private static final int RECEIVE_BUFFER = 2 << 20;

    private final UdpPortPairs pairs;

    UdpPorts(Vertx vertx, PortPool pool, String bindAddress) {
        this.pairs = new UdpPortPairs(vertx, pool, bindAddress, RECEIVE_BUFFER);
    }

    /** Binds an even/odd pair and wires its packets into {@code session}. */
    Future<RtpTransport.Track> open(RtpTrack track, RtspSession session) {
        return pairs.bind().recover(e -> Future.failedFuture(
                new RtspSession.SessionFailure(e.getMessage(), RtspFailure.TRANSIENT, null))).map(pair -> {
            RtpTransport.Track t = RtpTransport.Track.udp(track, pair.rtp(), pair.rtcp(), pair.port());
            // only the RTSP server's address may feed the session (anyone can send to an open port)
            pair.rtp().handler(p -> {
                if (session.fromServer(p.sender().hostAddress())) {
                    session.rtp(t, p.data().getBytes());
                }
            });
            pair.rtcp().handler(p -> {
                if (session.fromServer(p.sender().hostAddress())) {
                    session.rtcp(t, p.data().getBytes());
                }
            });
            return t;
        });
    }

    void release(int port) {
        pairs.release(port);
    }
}
