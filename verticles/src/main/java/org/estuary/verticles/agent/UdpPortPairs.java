package org.estuary.verticles.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.OptionalInt;
import org.estuary.core.net.PortPool;

/**
 * Binds RTP/RTCP socket pairs (even port, port + 1) from the node's media port range, for every
 * feature that receives RTP over UDP (RTSP sessions, SIP calls). A port that another process holds
 * is skipped: the pair goes back to the pool and the next one is tried, a bounded number of times.
 */
public final class UdpPortPairs {
    private static final int MAX_ATTEMPTS = 16;

    /** A bound pair: {@code rtp} listens on {@code port}, {@code rtcp} on {@code port + 1}. */
    public record Pair(int port, DatagramSocket rtp, DatagramSocket rtcp) { }

    /** No pair could be bound: the range is exhausted or every tried port was taken. */
    public static final class NoFreePair extends RuntimeException {
        NoFreePair(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final PortPool pool;
    private final String bindAddress;
    private final int rtpReceiveBuffer;

    /**
     * @param rtpReceiveBuffer socket receive buffer of the RTP socket in bytes (video needs more
     *                         than voice to ride out a stalled event loop)
     */
    public UdpPortPairs(Vertx vertx, PortPool pool, String bindAddress, int rtpReceiveBuffer) {
        this.vertx = vertx;
        this.pool = pool;
        this.bindAddress = bindAddress;
        this.rtpReceiveBuffer = rtpReceiveBuffer;
    }

    /** Binds a free pair; fails with {@link NoFreePair}. The caller releases it with {@link #release}. */
    public Future<Pair> bind() {
        return bind(0);
    }

    private Future<Pair> bind(int attempt) {
        if (attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(new NoFreePair("no free UDP port pair in the media range "
                    + pool.from() + "-" + pool.to()));
        }
        OptionalInt reserved = pool.acquirePair(p -> true);
        if (reserved.isEmpty()) {
            return bind(MAX_ATTEMPTS);
        }
        int port = reserved.getAsInt();
        DatagramSocket rtp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(rtpReceiveBuffer));
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

    /** Returns the pair starting at {@code port} to the pool (its sockets are the caller's to close). */
    public void release(int port) {
        pool.release(port);
        pool.release(port + 1);
    }
}
