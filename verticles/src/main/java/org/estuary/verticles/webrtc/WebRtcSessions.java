package org.estuary.verticles.webrtc;

import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Consumer;
import org.estuary.verticles.agent.ControlError;

/**
 * The WebRTC engine's API: WHIP/WHEP and the WebSocket client API both drive media through it.
 * Calls are safe from any thread; futures complete on the engine's event loop.
 *
 * <pre>{@code
 * sessions.open(new WebRtcSessions.Request(sdpOffer, "cam1", Direction.PUBLISH, wsSessionId, "WebSocket",
 *         clientIp, Map.of(), reason -> ...))
 *     .onSuccess(a -> send(a.sdp()))            // a.sessionId() names the media session
 *     .onFailure(e -> reply(ControlError.status(e), e.getMessage()));
 * sessions.close(a.sessionId(), "unpublished");
 * }</pre>
 */
public interface WebRtcSessions {

    /** Which way media flows, seen from the browser. */
    enum Direction {
        /** The browser sends; the engine publishes the stream (WHIP, publishStream). */
        PUBLISH,
        /** The browser receives the stream (WHEP, playStream). */
        PLAY
    }

    /**
     * One offer to answer.
     *
     * @param sdpOffer   the browser's complete (non-trickle) offer
     * @param streamName stream to publish or play
     * @param direction  publish or play
     * @param ownerId    who asked (WebSocket session id, or "" for WHIP/WHEP): logged and used as the publisher's session id
     * @param protocol   how the offer came, for the admission check and stream info: "WHIP", "WHEP", "WebSocket"
     * @param clientAddress the browser's IP address as the signalling connection saw it ("" if unknown)
     * @param params     query parameters / custom data the client sent (e.g. a secret), for the admission check
     * @param onClosed   called once, on the engine's loop, with the reason when the session ends for any cause; may be null
     */
    record Request(String sdpOffer, String streamName, Direction direction, String ownerId, String protocol,
                   String clientAddress, Map<String, String> params, Consumer<String> onClosed) { }

    /** The SDP answer and the media session's id (use it to close). */
    record Answer(String sessionId, String sdp) { }

    /**
     * Answers an offer after the server's admission check (access rules, hooks). Fails with
     * {@link ControlError}: 400 malformed or unusable SDP, 403 refused by admission, 409 the
     * stream is already published, 404 (play) no such stream, 503 no capacity.
     */
    Future<Answer> open(Request request);

    /**
     * Dialling another server like a browser does (server-to-server pull/push over its WebSocket
     * API): we write the offer, {@code signal} carries it to the far end and completes with its
     * answer; we are then the controlling full-ICE agent and the DTLS client.
     *
     * @param streamName the local stream: published from the far end's media ({@link Direction#PLAY}, a pull)
     *                   or sent to it ({@link Direction#PUBLISH}, a push)
     * @param direction  seen from us as the far end's client, as for a browser
     * @param ownerId    who dials (the agent's id): the local publisher's or reader's session id
     * @param signal     sends the offer, completes with the answer SDP (fails: the session is dropped)
     * @param onConnected called once on the engine's loop when ICE and DTLS are done (SRTP flows); may be null
     * @param onClosed   as in {@link Request}
     */
    record Dial(String streamName, Direction direction, String ownerId,
                java.util.function.Function<String, Future<String>> signal, Runnable onConnected,
                Consumer<String> onClosed) { }

    /**
     * Dials: completes with our session id and the far end's answer once it is applied (ICE checks
     * then run). Fails with {@link ControlError}: 404 (push) no local stream, 409 (pull) the
     * local name is taken, 502 the far end's answer is unusable or its signalling failed.
     */
    Future<Answer> dial(Dial dial);

    /**
     * One peer connection of an SFU room participant: its publishing one ({@code from} null: the
     * browser sends, the participant joins the room) or one receiving participant {@code from}'s
     * tracks (the browser receives). Media is forwarded, never decoded.
     *
     * @param clientAddress for the admission check, as in {@link Request}; the check sees the room as
     *                  the app and the participant published or received as the stream
     * @param params    for the admission check, as in {@link Request} (the session's custom fields)
     * @param onMembers for a join: told on the engine's loop the other participants' names each time
     *                  the room's membership changes (and once at the join); may be null
     * @param onClosed  as in {@link Request}; a subscription also ends when {@code from} leaves
     * @param onMuted   for a join: told on the engine's loop when another participant mutes or unmutes
     *                  a track: {@code {nickName, tracks: [{id, mute}]}}; may be null
     */
    record RoomRequest(String sdpOffer, String room, String participant, String from, String ownerId,
                       String clientAddress, Map<String, String> params,
                       Consumer<java.util.List<String>> onMembers, Consumer<String> onClosed,
                       Consumer<io.vertx.core.json.JsonObject> onMuted) {
        public RoomRequest {
            clientAddress = clientAddress == null ? "" : clientAddress;
            params = params == null ? Map.of() : params;
        }

        /** Without mute events. */
        public RoomRequest(String sdpOffer, String room, String participant, String from, String ownerId,
                           String clientAddress, Map<String, String> params,
                           Consumer<java.util.List<String>> onMembers, Consumer<String> onClosed) {
            this(sdpOffer, room, participant, from, ownerId, clientAddress, params, onMembers, onClosed, null);
        }
    }

    /**
     * Answers a room peer connection's offer after the admission check. Fails with {@link ControlError}:
     * 403 refused by admission, 400 malformed SDP or
     * names, 404 (receive) {@code from} does not publish in the room, 409 (join) the nickName already
     * publishes there, 503 the room is full (sfu.maxParticipantsPerRoom) or too many rooms.
     */
    Future<Answer> openRoom(RoomRequest request);

    /**
     * A room participant's re-offer on its publishing peer connection (WCS's SFU SDK keeps one per
     * room and adds recvonly transceivers to receive others): m-lines already answered keep their
     * codec, added ones the browser receives on get a codec and an SSRC of ours; the answer keeps
     * the session's ICE credentials and DTLS (no restart). Fails with {@link ControlError}: 404 no
     * such room session, 400 malformed SDP, another DTLS fingerprint or m-lines removed.
     */
    Future<Answer> reofferRoom(String sessionId, String sdpOffer);

    /**
     * Forwards another participant's track ({@code "nickName/audio"} or {@code "nickName/video"}) on
     * the m-line {@code mid} of a room participant's peer connection (added by {@link #reofferRoom});
     * {@code trackId} null frees the m-line. Fails with {@link ControlError}: 404 unknown session,
     * m-line or track, 400 a track whose codec the m-line does not carry.
     */
    Future<Void> leaseTrack(String sessionId, String mid, String trackId);

    /**
     * A room participant's control on its peer connection: {@code quality} forces the simulcast layer
     * (a RID, high/medium/low; null or "auto": by the browser's bandwidth estimate) of the video leased
     * on m-line {@code target} (null: every lease); {@code mute} / {@code unmute} flags the
     * participant's own track {@code target} ("nick/video"; null: all of them) as muted for the
     * others and in /sfu/stats. Fails with {@link ControlError}: 404 unknown session, m-line or track, 400 unknown op.
     */
    default Future<Void> roomControl(String sessionId, String op, String target, String value) {
        return Future.failedFuture(new ControlError(501, "room controls are not served"));
    }

    /** Ends a session (frees its ports share, threads, codecs); fails with a 404 {@link ControlError} when unknown. */
    Future<Void> close(String sessionId, String reason);

    /** Counters of refused input and of live sessions (for stats and tests). */
    Map<String, Long> stats();
}
