package org.estuary.verticles.websocket;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The WebRTC side of {@code publishStream}/{@code playStream}: turns the browser's SDP offer into
 * an answer and tells how the media session goes on. Implemented on top of the WebRTC engine.
 */
public interface WcsMedia {

    /** What the connection hears about one media session after the answer. */
    interface Listener {
        /** Media flows (the stream is published / the player is attached). */
        void started();

        /** The session ended; {@code failed} with a reason, or stopped normally. */
        void ended(boolean failed, String info);

        /** Something the client should hear about this media session (e.g. an SFU room's members): a notifyStreamEvent. */
        default void event(String type, Object payload) { }
    }

    /**
     * Who asks for a media session: the WebSocket session and what the admission check needs.
     *
     * @param sessionId     the WebSocket session id
     * @param appKey        the session's appKey
     * @param clientAddress the browser's IP address as the WebSocket saw it
     * @param params        the session's and the stream request's {@code custom} fields, as strings
     */
    record Owner(String sessionId, String appKey, String clientAddress, Map<String, String> params) {
        public Owner {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /**
     * Starts a media session for {@code s} with the browser's {@code offerSdp}; completes with the
     * answer SDP, or fails with a message meant for the client. Callbacks may come on any thread.
     */
    Future<String> start(WcsMediaSession s, Owner owner, String offerSdp, JsonObject request, Listener listener);

    /**
     * A re-offer on a started room participant's peer connection (WCS SFU SDK): completes with the
     * answer, or fails with a message meant for the client.
     */
    default Future<String> reoffer(WcsMediaSession s, String offerSdp) {
        return Future.failedFuture("Re-offers are not supported");
    }

    /** Puts another participant's track ("nickName/video") on the m-line {@code mid} of {@code s}'s peer connection; null frees it. */
    default Future<Void> lease(WcsMediaSession s, String mid, String trackId) {
        return Future.failedFuture("Track leasing is not supported");
    }

    /** A room participant's control on its peer connection: see WebRtcSessions#roomControl. */
    default Future<Void> roomControl(WcsMediaSession s, String op, String target, String value) {
        return Future.failedFuture("Room controls are not supported");
    }

    /** Ends the media session (client unpublish/stop, or the WebSocket closed). Idempotent. */
    void stop(WcsMediaSession s);
}
