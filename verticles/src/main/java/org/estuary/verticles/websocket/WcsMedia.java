package org.estuary.verticles.websocket;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The WebRTC side of {@code publishStream}/{@code playStream}: turns the browser's SDP offer into
 * an answer and tells how the media session goes on. Implemented on top of the WebRTC engine.
 */
interface WcsMedia {

    /** What the connection hears about one media session after the answer. */
    interface Listener {
        /** Media flows (publisher connected / player receiving). */
        void started();

        /** The session ended; {@code failed} with a reason, or stopped normally. */
        void ended(boolean failed, String info);
    }

    /**
     * Starts a media session for {@code s} with the browser's {@code offerSdp}; completes with the
     * answer SDP, or fails with a message meant for the client.
     */
    Future<String> start(WcsMediaSession s, String sessionId, String appKey, String offerSdp, JsonObject request,
                         Listener listener);

    /** Ends the media session (client unpublish/stop, or the WebSocket closed). Idempotent. */
    void stop(WcsMediaSession s);
}
