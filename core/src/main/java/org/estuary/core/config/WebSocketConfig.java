package org.estuary.core.config;

/**
 * The WebSocket (browser playback) listener.
 *
 * @param port TCP port (0 = any free port)
 */
public record WebSocketConfig(int port) {

    public static WebSocketConfig defaults() {
        return new WebSocketConfig(8080);
    }
}
