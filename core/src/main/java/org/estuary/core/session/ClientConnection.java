package org.estuary.core.session;

/**
 * A connected client (an RTMP connection now, WebSocket sessions later), as {@code /connection/*}
 * lists it.
 *
 * @param sessionId     reference form {@code /clientIp:port/serverIp:port}
 * @param appKey        the application the client connected to (RTMP app)
 * @param protocol      "RTMP", "WebSocket", ...
 * @param clientVersion what the client says it is (RTMP flashVer), or ""
 * @param createdAtMillis when it connected
 * @param terminator    closes the connection; must be safe to call from any thread
 */
public record ClientConnection(String sessionId, String appKey, String protocol, String clientVersion,
                               long createdAtMillis, Runnable terminator) {
    public void terminate() {
        terminator.run();
    }
}
