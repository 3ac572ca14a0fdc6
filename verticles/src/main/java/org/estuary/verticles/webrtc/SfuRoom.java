package org.estuary.verticles.webrtc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One SFU room: its publishing participants (by nickName) and who receives whom. When a
 * participant leaves (unpublishes, its WebSocket closes, or its browser stops answering ICE
 * consent) every subscription to it and every subscription it held are closed, and the others are
 * told the new member list. Event-loop only (the engine's).
 */
final class SfuRoom {
    final String name;
    private final Map<String, SfuPublisher> participants = new LinkedHashMap<>();
    private final Map<SfuPublisher, Consumer<List<String>>> memberListeners = new LinkedHashMap<>();
    private final Map<SfuPublisher, Consumer<JsonObject>> muteListeners = new LinkedHashMap<>();
    /** Subscriptions by the subscribing participant's nickName (a participant may receive before it publishes). */
    private final List<SfuSubscriber> subscriptions = new ArrayList<>();
    private final BiConsumer<String, String> closeSession;
    private final Runnable emptied;

    /**
     * @param closeSession closes an engine session by id with a reason (asynchronously)
     * @param emptied      called when the last participant and subscription are gone
     */
    SfuRoom(String name, BiConsumer<String, String> closeSession, Runnable emptied) {
        this.name = name;
        this.closeSession = closeSession;
        this.emptied = emptied;
    }

    int size() {
        return participants.size();
    }

    SfuPublisher participant(String nickName) {
        return participants.get(nickName);
    }

    void joined(SfuPublisher p, Consumer<List<String>> onMembers) {
        joined(p, onMembers, null);
    }

    void joined(SfuPublisher p, Consumer<List<String>> onMembers, Consumer<JsonObject> onMuted) {
        participants.put(p.participant, p);
        if (onMembers != null) {
            memberListeners.put(p, onMembers);
        }
        if (onMuted != null) {
            muteListeners.put(p, onMuted);
        }
        tellMembers();
    }

    void subscribed(SfuSubscriber s) {
        subscriptions.add(s);
        s.publisher.add(s);
    }

    void unsubscribed(SfuSubscriber s) {
        subscriptions.remove(s);
        s.publisher.remove(s);
        emptiedCheck();
    }

    /** The publisher's session ended: its tracks go away from everyone, and its own subscriptions end. */
    void left(SfuPublisher p, String reason) {
        if (participants.get(p.participant) != p) {
            return;
        }
        participants.remove(p.participant);
        memberListeners.remove(p);
        muteListeners.remove(p);
        for (SfuSubscriber s : p.subscribers()) {
            closeSession.accept(s.sessionId, p.participant + " left the room (" + reason + ")");
        }
        for (SfuSubscriber s : new ArrayList<>(subscriptions)) {
            if (s.participant.equals(p.participant)) {
                closeSession.accept(s.sessionId, p.participant + " left the room");
            }
        }
        tellMembers();
        emptiedCheck();
    }

    private void emptiedCheck() {
        if (participants.isEmpty() && subscriptions.isEmpty()) {
            emptied.run();
        }
    }

    /** {@code p} muted or unmuted a track: every other member hears {@code {nickName, tracks: [{id, mute}]}}. */
    void muteChanged(SfuPublisher p) {
        JsonArray tracks = new JsonArray();
        for (SfuTrack t : p.distinctTracks()) {
            tracks.add(new JsonObject().put("id", t.id).put("mute", p.muted.contains(t.id)));
        }
        JsonObject event = new JsonObject().put("nickName", p.participant).put("tracks", tracks);
        for (var e : new ArrayList<>(muteListeners.entrySet())) {
            if (e.getKey() != p) {
                try {
                    e.getValue().accept(event.copy());
                } catch (RuntimeException ex) {
                    // a listener's failure must not stop the others hearing
                }
            }
        }
    }

    /** Each member hears the others' names (the participants it can receive). */
    private void tellMembers() {
        for (var e : new ArrayList<>(memberListeners.entrySet())) {
            List<String> others = participants.keySet().stream().filter(n -> !n.equals(e.getKey().participant)).toList();
            try {
                e.getValue().accept(others);
            } catch (RuntimeException ex) {
                // a listener's failure must not stop the others hearing
            }
        }
    }

    /** The /sfu/stats answer: participants with their tracks and each track's subscribers. */
    JsonObject stats(long nowMs) {
        JsonArray list = new JsonArray();
        for (SfuPublisher p : participants.values()) {
            JsonObject o = p.stats(nowMs);
            JsonArray incoming = new JsonArray();
            for (SfuSubscriber s : subscriptions) {
                if (s.participant.equals(p.participant)) {
                    for (SfuTrack t : s.publisher.distinctTracks()) {
                        if (s.carries(t)) {
                            incoming.add(new JsonObject().put("id", t.id).put("quality", t.rid == null ? null : s.layer(t))
                                    .put("packets", s.sent(t)).put("estimate", s.estimate()));
                        }
                    }
                }
            }
            o.put("incomingTracks", incoming);
            list.add(o);
        }
        return new JsonObject().put("roomName", name).put("participants", list);
    }
}
