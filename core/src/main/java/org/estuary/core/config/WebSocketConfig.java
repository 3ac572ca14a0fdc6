package org.estuary.core.config;

/**
 * The WebSocket/HTTP listener: the WCS WebSocket client API, the web page and (later) WHIP/WHEP.
 *
 * @param port                 TCP port (0 = any free port)
 * @param keepAliveIntervalMs  the server pings every session this often (WCS: keep_alive.server_interval)
 * @param keepAliveProbes      a session that misses this many pings in a row is closed (WCS: keep_alive.probes)
 * @param maxMessageBytes      largest accepted WebSocket message; a larger one is refused and counted
 * @param maxMessagesPerSecond a session sending more messages than this in one second is closed (flood)
 */
public record WebSocketConfig(int port, long keepAliveIntervalMs, int keepAliveProbes, int maxMessageBytes,
                              int maxMessagesPerSecond) {

    public static WebSocketConfig defaults() {
        return new WebSocketConfig(8080, 5000, 10, 262_144, 200);
    }
}
