package org.estuary.core.config;

/**
 * SFU rooms over the WebSocket API (a session whose {@code custom} names a {@code roomName}).
 *
 * @param maxParticipantsPerRoom publishing participants one room holds; one more is refused (joins flood)
 * @param maxRooms               rooms at once on this node; a join that would open one more is refused
 */
public record SfuConfig(int maxParticipantsPerRoom, int maxRooms) {

    public static SfuConfig defaults() {
        return new SfuConfig(16, 1000);
    }
}
