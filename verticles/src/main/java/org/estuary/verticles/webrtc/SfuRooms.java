package org.estuary.verticles.webrtc;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.estuary.core.config.SfuConfig;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.verticles.agent.ControlError;

/**
 * The engine's SFU rooms (WebRtcSessions.openRoom): checks a join or a subscription, and makes the
 * session's media side, a {@link SfuPublisher} or a {@link SfuSubscriber}. A room exists while it
 * has a participant or a subscription. Event-loop only (the engine's).
 */
final class SfuRooms {
    private static final int MAX_NAME = 128;

    private final Map<String, SfuRoom> rooms = new HashMap<>();
    private final SfuConfig config;
    private final BiConsumer<String, String> closeSession;

    /** @param closeSession closes an engine session by id with a reason (asynchronously) */
    SfuRooms(SfuConfig config, BiConsumer<String, String> closeSession) {
        this.config = config;
        this.closeSession = closeSession;
    }

    /** Refuses a request before its offer is looked at: 400 bad names, 404 nobody to receive, 409/503 for a join. */
    void check(WebRtcSessions.RoomRequest r) {
        name(r.room(), "roomName");
        name(r.participant(), "nickName");
        SfuRoom room = rooms.get(r.room());
        if (r.from() == null) {
            if (room == null && rooms.size() >= config.maxRooms()) {
                throw new ControlError(503, "Too many rooms (sfu.maxRooms = " + config.maxRooms() + ")");
            }
            if (room != null && room.participant(r.participant()) != null) {
                throw new ControlError(409, "Participant " + r.participant() + " already publishes in room " + r.room());
            }
            if (room != null && room.size() >= config.maxParticipantsPerRoom()) {
                throw new ControlError(503, "Room " + r.room() + " is full (sfu.maxParticipantsPerRoom = "
                        + config.maxParticipantsPerRoom() + ")");
            }
        } else {
            name(r.from(), "the participant to receive");
            if (r.from().equals(r.participant())) {
                throw new ControlError(400, "A participant does not receive itself");
            }
            if (room == null || room.participant(r.from()) == null) {
                throw new ControlError(404, "No participant " + r.from() + " publishes in room " + r.room());
            }
        }
    }

    private static void name(String n, String what) {
        if (n == null || n.isBlank() || n.length() > MAX_NAME || n.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F)) {
            throw new ControlError(400, "Bad " + what + ": 1-" + MAX_NAME + " characters, no control characters");
        }
    }

    /** Joins (after {@link #check}): the publisher's media side. */
    SfuPublisher publish(WebRtcSessions.RoomRequest r, String sessionId, List<Negotiation.Line> lines, long ourSsrc,
                         long rembBps, Consumer<byte[]> sendRtcp, WebRtcCounters counters) {
        SfuRoom room = rooms.computeIfAbsent(r.room(), n -> new SfuRoom(n, closeSession, () -> rooms.remove(n)));
        SfuPublisher p = new SfuPublisher(r.participant(), room, sessionId, lines, ourSsrc, rembBps, sendRtcp, counters);
        room.joined(p, r.onMembers(), r.onMuted());
        return p;
    }

    /** Subscribes (after {@link #check}): the subscription's media side. */
    SfuSubscriber subscribe(WebRtcSessions.RoomRequest r, String sessionId, List<Negotiation.Line> lines,
                            Consumer<byte[]> sendRaw, Consumer<byte[]> sendRtcp, WebRtcCounters counters, Random random) {
        SfuRoom room = rooms.get(r.room());
        SfuSubscriber s = new SfuSubscriber(r.participant(), room.participant(r.from()), sessionId, lines, sendRaw,
                sendRtcp, counters, random);
        room.subscribed(s);
        return s;
    }

    /** The video codec participant {@code r.from()} publishes (a receiver negotiates the same), null when none. */
    org.estuary.core.media.Codec videoCodec(WebRtcSessions.RoomRequest r) {
        SfuRoom room = rooms.get(r.room());
        SfuPublisher p = room == null || r.from() == null ? null : room.participant(r.from());
        return p == null ? null : p.tracks().stream().filter(SfuTrack::video).map(t -> t.codec).findFirst().orElse(null);
    }

    /** /sfu/stats of one room; empty when there is no such room. */
    Optional<JsonObject> stats(String room) {
        SfuRoom r = room == null ? null : rooms.get(room);
        return r == null ? Optional.empty() : Optional.of(r.stats(System.currentTimeMillis()));
    }

    int rooms() {
        return rooms.size();
    }
}
