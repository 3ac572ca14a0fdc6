package org.estuary.verticles.websocket;

/**
 * One stream a WebSocket session publishes or plays ({@code publishStream}/{@code playStream}).
 *
 * @param mediaSessionId the client's id for it (the SDK generates one per stream)
 * @param name           the stream name
 * @param published      true for a publisher, false for a player
 */
public record WcsMediaSession(String mediaSessionId, String name, boolean published) { }
