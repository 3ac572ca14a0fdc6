package org.estuary.verticles.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Sends the engine's datagrams on the shared UDP socket, batched: on the socket's event loop each
 * packet is only written to the Netty channel, and one flush per loop turn (a task queued behind
 * the turn's other work) hands them all to the kernel. With Netty's native epoll transport a flush
 * of several datagrams is one {@code sendmmsg} call (up to 1,024 packets) instead of one
 * {@code sendmsg} per RTP packet per player, which is what Vert.x's {@code DatagramSocket.send}
 * does (writeAndFlush, plus a host-name resolution future per packet). Issue 12: a frame of video
 * for N players was N x packets syscalls.
 *
 * <p>Vert.x 5 gives no access to the socket's Netty channel, so it is read from
 * {@code DatagramSocketImpl}'s private field once at start. If that fails (another Vert.x), or a
 * send comes from another thread (DTLS handshake workers), Vert.x's own send is used. On the NIO
 * transport the batching still saves the per-packet flush and future but each datagram is its own
 * system call.
 */
final class BatchedUdpSender {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchedUdpSender.class);

    private final DatagramSocket socket;
    /** The socket's Netty channel; null: every send goes through Vert.x. */
    private final Channel channel;
    private final Runnable flush;
    /**
     * Packets are slices of one pooled direct chunk ({@code -Destuary.webrtc.chunkedSends=false}: a
     * pooled buffer each and Netty's default write-buffer water mark, as before, for A/B runs). Issue 12's profile (300 players): a pooled
     * buffer per packet cost ~10% of the server (allocation, and Netty 4.2's recycler checking on
     * every release whether the allocating thread died); a slice is a plain object that hands its
     * release to the chunk.
     */
    static final boolean CHUNKED = Boolean.parseBoolean(System.getProperty("estuary.webrtc.chunkedSends", "true"));
    static final int CHUNK = 64 * 1024;
    /** The chunk being filled (event loop only); null before the first packet. */
    private ByteBuf chunk;
    /**
     * UDP GSO (UDP_SEGMENT, Linux 4.18+) for runs of packets to one address; needs the chunked
     * sends and Netty's epoll transport. {@code -Destuary.webrtc.gsoSends=false}: one datagram per
     * packet in the sendmmsg batch, as before, for A/B runs.
     */
    private final boolean gso;
    /** The kernel's UDP_MAX_SEGMENTS is 64 on older kernels (128 on newer ones). */
    static final int GSO_MAX_SEGMENTS = 64;
    static final int GSO_MAX_BYTES = 60_000;
    /** The run of packets not written to the channel yet: one destination, equal segments. */
    private ByteBuf pendingChunk;
    private int pendingStart;
    private int pendingSegment;
    private int pendingBytes;
    private int pendingCount;
    private boolean pendingOpen;
    private InetSocketAddress pendingTo;
    private long gsoSegments;
    private boolean flushQueued;
    private long batches;
    private long batched;

    BatchedUdpSender(DatagramSocket socket) {
        this.socket = socket;
        this.channel = channelOf(socket);
        this.gso = channel instanceof io.netty.channel.epoll.EpollDatagramChannel && CHUNKED
                && Boolean.parseBoolean(System.getProperty("estuary.webrtc.gsoSends", "true"))
                && io.netty.channel.epoll.EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        if (channel != null && CHUNKED) {
            // A turn's packets for hundreds of players are far more than the default 64 KB high-water
            // mark: the channel flipped to unwritable and back on every flush (3% of the server in
            // issue 12's profile) for a signal no one reads (UDP sends are not back-pressured here).
            channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(32 << 20, 64 << 20));
        }
        this.flush = () -> {
            flushQueued = false;
            batches++;
            emitPending(channel);
            channel.flush();
        };
        LOG.info("WebRTC UDP sends: {}", channel == null ? "Vert.x DatagramSocket.send (one syscall per packet)"
                : "batched on " + channel.getClass().getSimpleName() + " (one flush per event-loop turn"
                + (CHUNKED ? ", chunked" : "") + (gso ? ", UDP GSO" : "") + ")");
    }

    private static Channel channelOf(DatagramSocket socket) {
        if (!Boolean.parseBoolean(System.getProperty("estuary.webrtc.batchedSends", "true"))) {
            return null; // -Destuary.webrtc.batchedSends=false: the unbatched path, for before/after benchmarks
        }
        try {
            Field f = socket.getClass().getDeclaredField("channel");
            f.setAccessible(true);
            return f.get(socket) instanceof Channel c ? c : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("WebRTC UDP sends not batched (no Netty channel: {})", e.toString());
            return null;
        }
    }

    void send(byte[] data, SocketAddress to) {
        send(data, data.length, to);
    }

    /** Sends the first {@code len} bytes of {@code data} (copied before the call returns). */
    void send(byte[] data, int len, SocketAddress to) {
        Channel c = channel;
        if (c == null || !c.eventLoop().inEventLoop() || !c.isActive()) {
            socket.send(Buffer.buffer(len == data.length ? data : java.util.Arrays.copyOf(data, len)), to.port(), to.host());
            return;
        }
        InetSocketAddress address = inet(to);
        if (address == null) {
            socket.send(Buffer.buffer(java.util.Arrays.copyOf(data, len)), to.port(), to.host());
            return;
        }
        if (CHUNKED) {
            chunked(c, data, len, address);
            return;
        }
        ByteBuf b = c.alloc().directBuffer(len).writeBytes(data, 0, len);
        c.write(new io.netty.channel.socket.DatagramPacket(b, address), c.voidPromise());
        batched++;
        flushLater(c);
    }

    private void flushLater(Channel c) {
        if (!flushQueued) {
            flushQueued = true;
            c.eventLoop().execute(flush);
        }
    }

    /**
     * Copies the packet into the chunk; consecutive packets to one address (a frame of video for
     * one player: equal-size FU-A fragments, the last one shorter) become one GSO send when the
     * kernel has UDP_SEGMENT (one trip down the stack instead of one per packet: the kernel send
     * path was over half of the server's CPU in issue 12's profile). The receiver gets the same
     * datagrams either way.
     */
    private void chunked(Channel c, byte[] data, int len, InetSocketAddress address) {
        ByteBuf k = chunk;
        batched++;
        if (pendingCount > 0 && pendingOpen && k == pendingChunk && k.writableBytes() >= len && len <= pendingSegment
                && pendingCount < GSO_MAX_SEGMENTS && pendingBytes + len <= GSO_MAX_BYTES && address.equals(pendingTo)) {
            k.writeBytes(data, 0, len);
            pendingCount++;
            pendingBytes += len;
            pendingOpen = len == pendingSegment; // a shorter one ends the run (only the last segment may be short)
            gsoSegments++;
            return; // the flush queued for the run's first packet sends it
        }
        emitPending(c);
        if (k == null || k.writableBytes() < len) {
            if (k != null) {
                k.release(); // our reference: the chunk is freed when its last packet is sent
            }
            k = c.alloc().directBuffer(Math.max(CHUNK, len));
            chunk = k;
        }
        pendingChunk = k;
        pendingStart = k.writerIndex();
        k.writeBytes(data, 0, len);
        pendingTo = address;
        pendingSegment = len;
        pendingBytes = len;
        pendingCount = 1;
        pendingOpen = gso;
        flushLater(c);
    }

    /** Writes the pending run to the channel: a plain datagram, or a GSO send of several. */
    private void emitPending(Channel c) {
        if (pendingCount == 0) {
            return;
        }
        ByteBuf b = pendingChunk.retain().slice(pendingStart, pendingBytes); // the channel releases it once sent
        Object msg = pendingCount == 1 ? new io.netty.channel.socket.DatagramPacket(b, pendingTo)
                : new io.netty.channel.epoll.SegmentedDatagramPacket(b, pendingSegment, pendingTo);
        c.write(msg, c.voidPromise());
        pendingCount = 0;
        pendingChunk = null;
        pendingTo = null;
    }

    /** Packets written through the batch, and flushes: their ratio is the mean batch size. */
    long batched() {
        return batched;
    }

    long batches() {
        return batches;
    }

    /** Packets that went as a further segment of a GSO send (no datagram of their own down the stack). */
    long gsoSegments() {
        return gsoSegments;
    }

    private static InetSocketAddress inet(SocketAddress to) {
        if (to instanceof io.vertx.core.net.impl.SocketAddressImpl a && a.ipAddress() != null) {
            return new InetSocketAddress(a.ipAddress(), to.port());
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(to.host()), to.port()); // an IP literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
