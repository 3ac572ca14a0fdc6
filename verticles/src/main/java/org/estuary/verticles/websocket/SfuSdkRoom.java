package org.estuary.verticles.websocket;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The room signalling of WCS's own SFU SDK (npm {@code @flashphoner/sfusdk}) on one WebSocket
 * session: one RTCPeerConnection per room, which publishes and receives. A participant joins with
 * {@code joinRoom {id, pin, sdp, nickname, internalMessageId, sdpType: "offer", tid}} and publishes
 * its tracks into the room (the same room as the WCS WebSocket API's {@code custom.roomName}
 * participants); the server answers on {@code sfuCallback} with
 * {@code {roomId, type: "REMOTE_SDP", info: {type: "answer", sdp, tid}}} and
 * {@code {roomId, type: "JOINED", internalMessageId, userId, name}}, and announces the other
 * members' tracks ({@code ADD_TRACKS}/{@code REMOVE_TRACKS}, ids "nickName/audio|video"). To
 * receive, the client adds recvonly transceivers and re-offers ({@code updateRoomState}: answered
 * by REMOTE_SDP with its tid, then {@code ACK}), then {@code leaseTrack {remoteTrackId, localMid}}
 * puts a track on one of them ({@code ACK}). {@code leaveRoom} ends it ({@code LEFT}). {@code changeQuality} picks a leased
 * video's simulcast layer, {@code muteTrack} flags a track muted (/sfu/stats). The SDK's other room
 * operations are answered {@code OPERATION_FAILED} with the reason. One room per
 * session, as the SDK allows. Event-loop only (the connection's).
 */
final class SfuSdkRoom {
    /** What the SDK sends with a room id that we answer as not served (its Operations names). */
    private static final Map<String, String> UNSERVED = Map.of(
            "muteRemoteTrack", "MUTE_TRACKS", "destroyRoom", "ROOM_DESTROY",
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
    /** The other members whose tracks this client heard of (ADD_TRACKS). */
    private java.util.Set<String> announced = new java.util.TreeSet<>();
    /** Members heard before the join's answer went out (told after JOINED: the client is not ready before). */
    private java.util.Set<String> early;

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
            case "updateRoomState" -> update(a);
            case "leaseTrack" -> lease(a);
            case "changeQuality" -> control(a, "CHANGE_QUALITY", "quality", str(a, "localMid", null),
                    str(a, "quality", null));
            case "muteTrack" -> control(a, "MUTE_TRACKS", Boolean.FALSE.equals(a.getValue("mute")) ? "unmute" : "mute",
                    str(a, "id", str(a, "trackId", null)), null);
            default -> failed(str(a, "roomId", str(a, "id", room)), UNSERVED.getOrDefault(message, message),
                    "'" + message + "' is not served: Estuary serves joinRoom, updateRoomState, leaseTrack, changeQuality, muteTrack and leaveRoom",
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
        early = new java.util.TreeSet<>();
        Object tid = a.getValue("tid");
        WcsMedia.Owner o = owner.get();
        Map<String, String> params = new LinkedHashMap<>(o.params());
        params.put("roomName", id);
        params.put("nickName", nick);
        media.start(s, new WcsMedia.Owner(o.sessionId(), o.appKey(), o.clientAddress(), params), sdp, a, new WcsMedia.Listener() {
            @Override
            public void started() { }

            @Override
            public void event(String type, Object payload) {
                if ("sfuTrackMuted".equals(type) && payload instanceof JsonObject p) {
                    // another member muted or unmuted a track: the SDK's MUTE_TRACKS event
                    onLoop.accept(() -> {
                        if (joined == s) {
                            callback(id, new JsonObject().put("type", "MUTE_TRACKS").put("info", new JsonObject()
                                    .put("nickName", p.getString("nickName")).put("info", p.getJsonArray("tracks"))));
                        }
                    });
                }
                if ("sfuRoomMembers".equals(type) && payload instanceof JsonObject p) {
                    java.util.Set<String> now = new java.util.TreeSet<>();
                    p.getJsonArray("participants").forEach(n -> now.add(String.valueOf(n)));
                    onLoop.accept(() -> {
                        if (joined == s && early != null) {
                            early = now;
                        } else if (joined == s) {
                            members(id, now);
                        }
                    });
                }
            }

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
            java.util.Set<String> heard = early;
            early = null;
            members(id, heard);
        }));
    }

    /** Tells the client the tracks of members who came ({@code ADD_TRACKS}) and went ({@code REMOVE_TRACKS}). */
    private void members(String id, java.util.Set<String> now) {
        for (String n : now) {
            if (!announced.contains(n)) {
                callback(id, tracks("ADD_TRACKS", n));
            }
        }
        for (String n : announced) {
            if (!now.contains(n)) {
                callback(id, tracks("REMOVE_TRACKS", n));
            }
        }
        announced = now;
    }

    private static JsonObject tracks(String type, String nick) {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        for (String kind : new String[]{"AUDIO", "VIDEO"}) {
            list.add(new JsonObject().put("id", nick + "/" + kind.toLowerCase(java.util.Locale.ROOT)).put("type", kind)
                    .put("contentType", "").put("mid", "").put("quality", new io.vertx.core.json.JsonArray())
                    .put("mute", false).put("creationTime", System.currentTimeMillis()));
        }
        return new JsonObject().put("type", type)
                .put("info", new JsonObject().put("nickName", nick).put("waitingRoom", false).put("info", list));
    }

    /** A re-offer of the room's peer connection (transceivers added to receive): REMOTE_SDP answer, then ACK. */
    private void update(JsonObject a) {
        Object ref = a.getValue("internalMessageId");
        String id = str(a, "id", room);
        String sdp = str(a, "sdp", null);
        WcsMediaSession s = joined;
        if (s == null || !s.mediaSessionId().equals("sfu-sdk:" + id)) {
            failed(id, "ROOM_UPDATE", "Not in room " + id, ref);
            return;
        }
        if (!"offer".equals(str(a, "sdpType", "offer"))) {
            callback(id, new JsonObject().put("type", "ACK").put("internalMessageId", ref)); // the server sends no offers
            return;
        }
        if (sdp == null) {
            failed(id, "ROOM_UPDATE", "'updateRoomState' needs sdp (an offer)", ref);
            return;
        }
        Object tid = a.getValue("tid");
        media.reoffer(s, sdp).onComplete(ar -> onLoop.accept(() -> {
            if (joined != s) {
                return;
            }
            if (ar.failed()) {
                failed(id, "ROOM_UPDATE", ar.cause().getMessage(), ref);
                return;
            }
            callback(id, new JsonObject().put("type", "REMOTE_SDP")
                    .put("info", new JsonObject().put("type", "answer").put("sdp", ar.result()).put("tid", tid)));
            callback(id, new JsonObject().put("type", "ACK").put("internalMessageId", ref));
        }));
    }

    /** {@code leaseTrack {roomId, remoteTrackId, localMid}}: another member's track on one of this client's transceivers. */
    private void lease(JsonObject a) {
        Object ref = a.getValue("internalMessageId");
        String id = str(a, "roomId", room);
        String mid = str(a, "localMid", null);
        WcsMediaSession s = joined;
        if (s == null || mid == null) {
            failed(id, "LEASE_TRACK", s == null ? "Not in a room" : "'leaseTrack' needs localMid", ref);
            return;
        }
        media.lease(s, mid, str(a, "remoteTrackId", null)).onComplete(ar -> onLoop.accept(() -> {
            if (ar.failed()) {
                failed(id, "LEASE_TRACK", ar.cause().getMessage(), ref);
            } else {
                callback(id, new JsonObject().put("type", "ACK").put("internalMessageId", ref));
            }
        }));
    }

    /**
     * {@code changeQuality {roomId, localMid?, quality}}: the simulcast layer (a RID, high/medium/low,
     * auto) of the video leased on that m-line (all leases without localMid); {@code muteTrack
     * {roomId, id: "nick/video", mute}}: flags the participant's own track. ACK, or OPERATION_FAILED.
     */
    private void control(JsonObject a, String operation, String op, String target, String value) {
        Object ref = a.getValue("internalMessageId");
        String id = str(a, "roomId", str(a, "id", room));
        WcsMediaSession s = joined;
        if (s == null) {
            failed(id, operation, "Not in a room", ref);
            return;
        }
        media.roomControl(s, op, target, value).onComplete(ar -> onLoop.accept(() -> {
            if (ar.failed()) {
                failed(id, operation, ar.cause().getMessage(), ref);
            } else {
                callback(id, new JsonObject().put("type", "ACK").put("internalMessageId", ref));
            }
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
