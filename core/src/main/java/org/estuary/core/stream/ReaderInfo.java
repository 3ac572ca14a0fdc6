package org.estuary.core.stream;

/**
 * Who reads a stream: a player session, a transponder, a recorder... Players show up in
 * {@code /stream/find_all} as Stream objects with {@code published=false}.
 *
 * @param mediaSessionId unique id of this reading session
 * @param sessionId      the client connection ({@code /ip:port/ip:port}) or "" for internal readers
 * @param appKey         application key (RTMP app) or ""
 * @param mediaProvider  reference vocabulary: "Flash" for RTMP, "HLS", "WebRTC", or an internal name
 * @param player         true when this is a client player that should be listed as a Stream
 */
public record ReaderInfo(String mediaSessionId, String sessionId, String appKey, String mediaProvider, boolean player) {
    /** An internal reader (recorder, transponder...) that is not listed as a player. */
    public static ReaderInfo internal(String mediaSessionId, String kind) {
        return new ReaderInfo(mediaSessionId, "", "", kind, false);
    }
}
