package org.estuary.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback TCP ports for servers and peers started by tests. */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() { }

    /** A port that is free now and was not handed out before in this JVM. */
    public static synchronized int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                int p = s.getLocalPort();
                if (HANDED_OUT.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port after 100 attempts");
    }
}
