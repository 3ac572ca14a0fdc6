package org.estuary.verticles.mpegts;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.estuary.core.net.AddressFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MPEG-TS in UDP datagrams, read by a blocking JDK channel on its own thread; senders outside the
 * allowedList are dropped there. Not a Vert.x DatagramSocket: Vert.x sizes every read buffer to
 * the socket's receive buffer, so the multi-megabyte buffer a 20 Mbit/s stream needs would mean a
 * multi-megabyte allocation per datagram (measured: 0.4 CPU-s per s of input, see docs/benchmarks.md).
 */
final class UdpIngress implements MpegTsIngress {
    private static final Logger LOG = LoggerFactory.getLogger(UdpIngress.class);
    private static final int MAX_DATAGRAM = 65_536;

    private final DatagramChannel channel;
    private final AddressFilter allowed;
    private final Context context;
    private final AtomicLong rejected = new AtomicLong();
    private EventLoopHandoff handoff;
    private Thread worker;

    private UdpIngress(DatagramChannel channel, AddressFilter allowed, Context context) {
        this.channel = channel;
        this.allowed = allowed;
        this.context = context;
    }

    /** Binds {@code host:port} now (a quick system call), or returns null when the port is taken. */
    static UdpIngress bind(String host, int port, AddressFilter allowed, Context context, int receiveBufferBytes) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            ch.bind(new InetSocketAddress(host, port));
            return new UdpIngress(ch, allowed, context);
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    @Override
    public void start(MpegTsSession session) {
        handoff = new EventLoopHandoff(context, session::received);
        int port = ((InetSocketAddress) localAddress()).getPort();
        worker = new Thread(() -> receive(session), "mpegts-udp-" + port);
        worker.setDaemon(true);
        worker.start();
    }

    private java.net.SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    private void receive(MpegTsSession session) {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (channel.isOpen()) {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                String host = from.getAddress().getHostAddress();
                if (!allowed.allows(host)) {
                    if (rejected.getAndIncrement() % 1000 == 0) {
                        LOG.info("MPEG-TS {}: ignoring datagrams from {} (not in allowedList)", session.name(), host);
                    }
                    continue;
                }
                buf.flip();
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                handoff.offer(data);
            }
        } catch (ClosedChannelException e) {
            // closed by close(): the normal way out
        } catch (IOException | RuntimeException e) {
            LOG.warn("MPEG-TS {}: UDP receive failed", session.name(), e);
        }
    }

    @Override
    public long droppedBlocks() {
        return handoff == null ? 0 : handoff.dropped();
    }

    @Override
    public long rejected() {
        return rejected.get();
    }

    @Override
    public Future<Void> close() {
        // closing the channel releases the port at once and wakes the blocked receive()
        closeQuietly(channel);
        if (handoff != null) {
            handoff.clear();
        }
        return Future.succeededFuture();
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
