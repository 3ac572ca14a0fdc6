package org.estuary.it.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for servers and peers started by tests: free for TCP and for UDP, because
 * peers such as sipp, baresip and the WebRTC engine listen on UDP and a port found free by a TCP
 * probe alone may be held by another process's UDP socket (seen: sipp "Unable to bind main socket,
 * errno 98" while a WebRTC load client held hundreds of UDP ports).
 */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() { }

    /** A port that is free now and was not handed out before in this JVM. */
    public static synchronized int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                int p = s.getLocalPort();
                if (udpFree(p) && HANDED_OUT.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port after 100 attempts");
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket d = new DatagramSocket(null)) {
            d.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (SocketException e) {
            return false;
        }
    }
}
