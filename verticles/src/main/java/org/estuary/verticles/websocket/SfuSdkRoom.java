package org.estuary.verticles.websocket;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The room signalling of WCS's own SFU SDK (npm {@code @flashphoner/sfusdk}) on one WebSocket
 * session, as far as Estuary serves it: a participant joins with {@code joinRoom {id, pin, sdp,
 * nickname, internalMessageId, sdpType: "offer", tid}} on its one RTCPeerConnection and publishes
 * its tracks into the room (the same room as the WCS WebSocket API's {@code custom.roomName}
 * participants, who receive it); the server answers on {@code sfuCallback} with
 * {@code {roomId, type: "REMOTE_SDP", info: {type: "answer", sdp, tid}}} and
 * {@code {roomId, type: "JOINED", internalMessageId, userId, name}}; {@code leaveRoom} ends it
 * ({@code LEFT}). Not served yet (answered {@code OPERATION_FAILED} with the reason): the
 * renegotiation that puts the other participants' tracks on the same peer connection
 * ({@code updateRoomState}, {@code leaseTrack}) and the SDK's other room operations. One room per
 * session, as the SDK allows. Event-loop only (the connection's).
 */
final class SfuSdkRoom {
    /** What the SDK sends with a room id that we answer as not served (its Operations names). */
    private static final Map<String, String> UNSERVED = Map.of(
            "updateRoomState", "ROOM_UPDATE", "leaseTrack", "LEASE_TRACK", "changeQuality", "CHANGE_QUALITY",
            "muteTrack", "MUTE_TRACKS", "muteRemoteTrack", "MUTE_TRACKS", "destroyRoom", "ROOM_DESTROY",
            "evictParticipant", "ROOM_UPDATE", "renameParticipant", "RENAME_PARTICIPANT",
            "sendControlMessage", "SEND_CONTROL_MESSAGE");
    static final Set<String> MESSAGES = Set.of("joinRoom", "leaveRoom", "updateRoomState", "leaseTrack",
            "changeQuality", "muteTrack", "muteRemoteTrack", "destroyRoom", "evictParticipant", "renameParticipant",
            "sendControlMessage");

    private final WcsMedia media;
    private final Consumer<WcsFrame> send;
    private final Consumer<Runnable> onLoop;
    private final Supplier<WcsMedia.Owner> owner;
    private String room;
    private String nickname;
    private WcsMediaSession joined;

    /**
     * @param owner the session's owner for the admission check (its custom fields; roomName and
     *              nickName are set from the join)
     */
    SfuSdkRoom(WcsMedia media, Consumer<WcsFrame> send, Consumer<Runnable> onLoop, Supplier<WcsMedia.Owner> owner) {
        this.media = media;
        this.send = send;
        this.onLoop = onLoop;
        this.owner = owner;
    }

    void handle(String message, JsonObject a) {
        switch (message) {
            case "joinRoom" -> join(a);
            case "leaveRoom" -> leave(a);
            default -> failed(str(a, "roomId", str(a, "id", room)), UNSERVED.getOrDefault(message, message),
                    "'" + message + "' is not served: Estuary takes an SFU SDK participant's join and publish;"
                            + " the other participants' tracks are received with the WCS WebSocket API's playStream",
                    a.getValue("internalMessageId"));
        }
    }

    private void join(JsonObject a) {
        String id = str(a, "id", null);
        String sdp = str(a, "sdp", null);
        Object ref = a.getValue("internalMessageId");
        String nick = str(a, "nickname", owner.get().params().get("nickname"));
        if (id == null || sdp == null || !"offer".equals(str(a, "sdpType", "offer"))) {
            failed(id, "ROOM_JOIN", "'joinRoom' needs data[0] = {id (the room), sdp (an offer), nickname}", ref);
            return;
        }
        if (nick == null) {
            failed(id, "ROOM_JOIN", "A participant needs a nickname (joinRoom.nickname or the connection's custom.nickname)", ref);
            return;
        }
        if (joined != null) {
            failed(id, "ROOM_JOIN", "This session is already in room " + room + " (one room at a time)", ref);
            return;
        }
        room = id;
        nickname = nick;
        WcsMediaSession s = new WcsMediaSession("sfu-sdk:" + id, nick, true);
        joined = s;
        Object tid = a.getValue("tid");
        WcsMedia.Owner o = owner.get();
        Map<String, String> params = new LinkedHashMap<>(o.params());
        params.put("roomName", id);
        params.put("nickName", nick);
        media.start(s, new WcsMedia.Owner(o.sessionId(), o.appKey(), o.clientAddress(), params), sdp, a, new WcsMedia.Listener() {
            @Override
            public void started() { }

            @Override
            public void ended(boolean failed, String info) {
                onLoop.accept(() -> {
                    if (joined == s) {
                        joined = null;
                        callback(id, new JsonObject().put("type", "LEFT").put("userId", o.sessionId()).put("name", nick)
                                .put("info", info));
                    }
                });
            }
        }).onComplete(ar -> onLoop.accept(() -> {
            if (joined != s) {
                return; // left while the engine answered
            }
            if (ar.failed()) {
                joined = null;
                failed(id, "ROOM_JOIN", ar.cause().getMessage(), ref);
                return;
            }
            callback(id, new JsonObject().put("type", "REMOTE_SDP")
                    .put("info", new JsonObject().put("type", "answer").put("sdp", ar.result()).put("tid", tid)));
            callback(id, new JsonObject().put("type", "JOINED").put("internalMessageId", ref)
                    .put("userId", o.sessionId()).put("name", nick));
        }));
    }

    private void leave(JsonObject a) {
        Object ref = a.getValue("internalMessageId");
        String id = str(a, "id", room);
        if (joined == null || !joined.mediaSessionId().equals("sfu-sdk:" + id)) {
            failed(id, "ROOM_LEAVE", "Not in room " + id, ref);
            return;
        }
        close();
        callback(id, new JsonObject().put("type", "LEFT").put("internalMessageId", ref)
                .put("userId", owner.get().sessionId()).put("name", nickname));
    }

    /** The session closed (or left): the participant leaves the room. */
    void close() {
        WcsMediaSession s = joined;
        joined = null;
        if (s != null) {
            media.stop(s);
        }
    }

    private void failed(String roomId, String operation, String error, Object ref) {
        callback(roomId == null ? "" : roomId, new JsonObject().put("type", "OPERATION_FAILED").put("operation", operation)
                .put("error", error).put("internalMessageId", ref));
    }

    private void callback(String roomId, JsonObject event) {
        send.accept(WcsFrame.of("sfuCallback", event.put("roomId", roomId)));
    }

    private static String str(JsonObject a, String key, String fallback) {
        return a.getValue(key) instanceof String s && !s.isBlank() ? s : fallback;
    }
}
