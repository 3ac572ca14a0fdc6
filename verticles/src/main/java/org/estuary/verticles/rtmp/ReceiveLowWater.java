package org.estuary.verticles.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A publisher's socket wakes its event loop only once a chunk header has company (issue 14, idle
 * cost). ffmpeg's RTMP muxer writes each message's chunk header (8-18 bytes) and its payload as two
 * TCP segments: without this, half of a publisher's wake-ups (epoll + read, ~25/s of ~54/s at
 * 25 fps) read a bare header and nothing else. With {@code SO_RCVLOWAT} above the largest chunk
 * header, the kernel wakes the reader when the payload arrives, microseconds later, so no latency
 * is added; a message whose whole chunk is smaller (never a media frame in practice) waits for the
 * next segment. A close or error still wakes at once (the kernel reports them regardless).
 * Native epoll only: with Java NIO the option is not available and nothing changes.
 */
final class ReceiveLowWater {
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVLOWAT = 18;
    /** Larger than the largest chunk header: basic header 3 + message header 11 + extended timestamp 4. */
    static final int PUBLISHER_BYTES = 19;
    private static final ChannelOption<Integer> OPTION =
            new IntegerUnixChannelOption("SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT);

    private ReceiveLowWater() {
    }

    /** Sets the low-water mark when the socket is a native one; returns whether it was set. */
    static boolean set(NetSocket socket, int bytes) {
        if (!(socket instanceof NetSocketInternal ns)) {
            return false;
        }
        Channel ch = ns.channelHandlerContext().channel();
        try {
            return ch.getClass().getName().startsWith("io.netty.channel.epoll.") && ch.config().setOption(OPTION, bytes);
        } catch (RuntimeException e) {
            return false; // an option the platform refuses only costs the wake-ups it would have saved
        }
    }
}
