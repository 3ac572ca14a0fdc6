package org.estuary.core.stream;

import java.util.Map;

/**
 * Who publishes a stream.
 *
 * @param sessionId     the client connection ({@code /ip:port/ip:port}) or "" for internal publishers
 * @param appKey        application key (RTMP app) or ""
 * @param mediaProvider reference vocabulary: "Flash" for RTMP, "RTSP", "VOD", ...
 * @param query         query parameters that came with the stream name (kept for ACL checks)
 * @param transport     how the media reaches this node, in the reference's words ("TCP", "UDP", "SRT"),
 *                      or "" for publishers inside the server (VOD, mixer, transcoder)
 */
public record PublisherInfo(String sessionId, String appKey, String mediaProvider, Map<String, String> query,
                            String transport) {
    public PublisherInfo {
        query = query == null ? Map.of() : Map.copyOf(query);
        transport = transport == null ? "" : transport;
    }

    /** With the transport every provider of that name uses: RTMP (and RTSP interleaved) run over TCP. */
    public PublisherInfo(String sessionId, String appKey, String mediaProvider, Map<String, String> query) {
        this(sessionId, appKey, mediaProvider, query, switch (mediaProvider) {
            case "Flash", "RTMP", "RTSP" -> "TCP";
            default -> "";
        });
    }
}
