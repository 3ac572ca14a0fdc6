package org.estuary.verticles.websocket;

import io.vertx.core.json.JsonObject;
import org.estuary.core.config.WebSocketConfig;

/** What a {@link WcsConnection} needs from its verticle; safe to call from any thread. */
interface WcsHub {
    io.vertx.core.Vertx vertx();

    WebSocketConfig settings();

    String nodeId();

    /** The session said {@code connection}: list it in {@code /connection/*}. */
    void established(WcsConnection c);

    /** The socket is gone: forget the session. */
    void closed(WcsConnection c);

    /** Sends a message to outside subscribers on the event bus. */
    void publish(String address, JsonObject event);

    /** Asked before a session is accepted and before it publishes or plays. */
    org.estuary.core.session.Admission admission();

    /** Publish/play signalling for this session's media. */
    WcsMedia media();

    /** A publisher's {@code sendStreamEvent}: relay to the stream's subscribers and the event bus. */
    void relayStreamEvent(String streamName, String sourceMediaSessionId, String type, Object payload);

    /** True when a stream of this name is published on this node. */
    boolean streamExists(String name);

    /** Counts a refused message (garbage, oversized, flood) for the metrics and logs. */
    void refused(WcsConnection c, String reason);
}
