package org.estuary.verticles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.webrtc.WebRtcSessions;
import org.estuary.verticles.websocket.WcsMedia;
import org.estuary.verticles.websocket.WcsMediaSession;

/**
 * Wiring between two features that must not import each other: the WCS WebSocket API's
 * publishStream/playStream run their media through the WebRTC engine.
 */
final class WcsWebRtcBridge implements WcsMedia {
    private final WebRtcSessions engine;
    private final StreamRegistry streams;
    /** Open media sessions: the WebSocket API's handle -> the engine's session id and its cleanup. */
    // by identity: WcsMediaSession is a record, and two WebSocket sessions may use the same
    // mediaSessionId and name (a page that numbers its own ids); equal records must not share an entry
    private final Map<WcsMediaSession, Open> open = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private record Open(String engineId, Runnable cancelWait) { }

    /** Placeholder while the engine answers: a stop() meanwhile removes it, and the answer is then closed. */
    private static final Open PENDING = new Open("", () -> { });

    WcsWebRtcBridge(WebRtcSessions engine, StreamRegistry streams) {
        this.engine = engine;
        this.streams = streams;
    }

    @Override
    public Future<String> start(WcsMediaSession s, Owner owner, String offerSdp, JsonObject request, Listener listener) {
        String room = owner.params().get("roomName");
        if (room != null) {
            return startInRoom(s, owner, room, offerSdp, listener);
        }
        var direction = s.published() ? WebRtcSessions.Direction.PUBLISH : WebRtcSessions.Direction.PLAY;
        var req = new WebRtcSessions.Request(offerSdp, s.name(), direction, owner.sessionId(), "WebSocket",
                owner.clientAddress(), owner.params(), reason -> {
            Open o = open.remove(s);
            if (o != null) {
                o.cancelWait().run();
                listener.ended(looksFailed(reason), reason);
            }
        });
        open.put(s, PENDING);
        return engine.open(req).onFailure(e -> open.remove(s, PENDING)).map(a -> {
            Runnable cancel = () -> { };
            if (s.published()) {
                // PUBLISHING once media made the stream appear in the hub, as WCS tells it
                cancel = whenPublished(s.name(), listener::started);
            } else {
                listener.started();
            }
            if (!open.replace(s, PENDING, new Open(a.sessionId(), cancel))) {
                cancel.run(); // stopped (client left) while the engine was answering
                engine.close(a.sessionId(), "Client left before the answer");
            }
            return a.sdp();
        });
    }

    /**
     * A session whose {@code custom} names a {@code roomName} is an SFU room participant
     * ({@code custom.nickName}): its publishStream (named as its nickName) joins the room, each
     * playStream names another participant to receive. Members hear the room's other participants
     * as a notifyStreamEvent of type {@code sfuRoomMembers} on their publishing media session.
     */
    private Future<String> startInRoom(WcsMediaSession s, Owner owner, String room, String offerSdp, Listener listener) {
        String nick = owner.params().get("nickName");
        if (nick == null || nick.isBlank()) {
            return Future.failedFuture("A room session (custom.roomName) needs custom.nickName");
        }
        if (s.published() && !s.name().equals(nick)) {
            return Future.failedFuture("In room " + room + " a participant publishes under its nickName: name must be '"
                    + nick + "'");
        }
        var req = new WebRtcSessions.RoomRequest(offerSdp, room, nick, s.published() ? null : s.name(), owner.sessionId(),
                owner.clientAddress(), owner.params(),
                members -> listener.event("sfuRoomMembers", new JsonObject().put("roomName", room)
                        .put("participants", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(members)))),
                reason -> {
                    Open o = open.remove(s);
                    if (o != null) {
                        listener.ended(looksFailed(reason), reason);
                    }
                },
                muted -> listener.event("sfuTrackMuted", muted.put("roomName", room)));
        open.put(s, PENDING);
        return engine.openRoom(req).onFailure(e -> open.remove(s, PENDING)).map(a -> {
            if (!open.replace(s, PENDING, new Open(a.sessionId(), () -> { }))) {
                engine.close(a.sessionId(), "Client left before the answer");
            } else {
                listener.started();
            }
            return a.sdp();
        });
    }

    /** The engine gives a reason only: consent/DTLS/ICE timeouts and errors are failures, the rest normal ends. */
    static boolean looksFailed(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(java.util.Locale.ROOT);
        return r.contains("fail") || r.contains("timeout") || r.contains("timed out") || r.contains("error");
    }

    /** Runs {@code then} once when {@code name} is (or becomes) published; returns how to stop waiting. */
    private Runnable whenPublished(String name, Runnable then) {
        AtomicBoolean done = new AtomicBoolean();
        StreamListener l = new StreamListener() {
            @Override
            public void published(Stream st) {
                if (st.name().equals(name) && done.compareAndSet(false, true)) {
                    then.run();
                }
            }
        };
        streams.addListener(l);
        if (streams.find(name).isPresent() && done.compareAndSet(false, true)) {
            then.run();
        }
        return () -> streams.removeListener(l);
    }

    @Override
    public Future<String> reoffer(WcsMediaSession s, String offerSdp) {
        Open o = open.get(s);
        if (o == null || o == PENDING) {
            return Future.failedFuture("No answered peer connection to re-offer on");
        }
        return engine.reofferRoom(o.engineId(), offerSdp).map(WebRtcSessions.Answer::sdp);
    }

    @Override
    public Future<Void> lease(WcsMediaSession s, String mid, String trackId) {
        Open o = open.get(s);
        if (o == null || o == PENDING) {
            return Future.failedFuture("No answered peer connection to lease a track on");
        }
        return engine.leaseTrack(o.engineId(), mid, trackId);
    }

    @Override
    public Future<Void> roomControl(WcsMediaSession s, String op, String target, String value) {
        Open o = open.get(s);
        if (o == null || o == PENDING) {
            return Future.failedFuture("No answered peer connection");
        }
        return engine.roomControl(o.engineId(), op, target, value);
    }

    @Override
    public void stop(WcsMediaSession s) {
        Open o = open.remove(s);
        if (o != null && o != PENDING) {
            o.cancelWait().run();
            engine.close(o.engineId(), s.published() ? "Unpublished by client" : "Stopped by client");
        }
    }
}
