package org.estuary.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Objects;
import java.util.UUID;

/**
 * Identity of this server process.
 *
 * @param id                node id; "" means "generate one at start" (see {@link #resolve()})
 * @param bindAddress       interface every listener binds to
 * @param publicHost        host name/address advertised to clients and peers; "" means "detect at start"
 * @param shutdownTimeoutMs how long a graceful shutdown may take, in milliseconds
 * @param startupTimeoutMs  how long start-up may take before the process gives up (exit 1), in milliseconds: a
 *                          clustered node joining a loaded cluster (Hazelcast join, partition migration) can
 *                          need minutes
 * @param nativeTransport   run the network on Linux epoll (Netty native) when it loads, else Java NIO
 */
public record NodeConfig(String id, String bindAddress, String publicHost, long shutdownTimeoutMs,
                         long startupTimeoutMs, boolean nativeTransport) {

    public NodeConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(publicHost, "publicHost");
    }

    public static NodeConfig defaults() {
        return new NodeConfig("", "0.0.0.0", "", 5000, 180_000, true);
    }

    /**
     * Fills the "decide at start" blanks: a random id if {@code id} is empty and the first
     * non-loopback IPv4 address (falling back to 127.0.0.1) if {@code publicHost} is empty.
     */
    public NodeConfig resolve() {
        String resolvedId = id.isBlank() ? UUID.randomUUID().toString() : id;
        String resolvedHost = publicHost.isBlank() ? detectPublicHost() : publicHost;
        return new NodeConfig(resolvedId, bindAddress, resolvedHost, shutdownTimeoutMs, startupTimeoutMs, nativeTransport);
    }

    /** The first IPv4 address of an up, non-loopback interface, or 127.0.0.1 if there is none. */
    public static String detectPublicHost() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException | RuntimeException e) {
            // No usable interface list (e.g. a locked-down container): loopback still lets a single node work.
        }
        return "127.0.0.1";
    }
}
