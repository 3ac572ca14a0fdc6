package org.estuary.core.session;

import java.util.Map;

/**
 * A connected client (an RTMP connection, a WCS WebSocket session), as {@code /connection/*}
 * lists it.
 *
 * @param sessionId     reference form {@code /clientIp:port/serverIp:port}
 * @param appKey        the application the client connected to (RTMP app, WCS appKey)
 * @param protocol      "RTMP", "WebSocket", ...
 * @param clientVersion what the client says it is (RTMP flashVer, WCS clientVersion), or ""
 * @param createdAtMillis when it connected
 * @param terminator    closes the connection; must be safe to call from any thread
 * @param attributes    further fields the client sent and {@code /connection/find} shows as they are
 *                      (WCS: custom, mediaProviders, clientOSVersion, ...); JSON-like values only
 */
public record ClientConnection(String sessionId, String appKey, String protocol, String clientVersion,
                               long createdAtMillis, Runnable terminator, Map<String, Object> attributes) {

    public ClientConnection {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A connection without further attributes (RTMP). */
    public ClientConnection(String sessionId, String appKey, String protocol, String clientVersion,
                            long createdAtMillis, Runnable terminator) {
        this(sessionId, appKey, protocol, clientVersion, createdAtMillis, terminator, Map.of());
    }

    public void terminate() {
        terminator.run();
    }
}
