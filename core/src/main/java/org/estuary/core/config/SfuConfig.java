package org.estuary.core.config;

/**
 * SFU rooms over the WebSocket API (a session whose {@code custom} names a {@code roomName}).
 *
 * @param maxParticipantsPerRoom publishing participants one room holds; one more is refused (joins flood)
 * @param maxRooms               rooms at once on this node; a join that would open one more is refused
 * @param mixedView              each participant is also published into the hub as {@code nickName#room}, so
 *                               the mixer's name-driven rooms mix the room into stream {@code room}
 *                               (RTMP/HLS...); costs an Opus to AAC transcode per participant and a mixer per room
 */
public record SfuConfig(int maxParticipantsPerRoom, int maxRooms, boolean mixedView) {

    public static SfuConfig defaults() {
        return new SfuConfig(16, 1000, false);
    }
}
