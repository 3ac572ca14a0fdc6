package org.estuary.core.stream;

/**
 * Who publishes a stream.
 *
 * @param sessionId     the client connection ({@code /ip:port/ip:port}) or "" for internal publishers
 * @param appKey        application key (RTMP app) or ""
 * @param mediaProvider reference vocabulary: "Flash" for RTMP, "RTSP", "VOD", ...
 * @param query         query parameters that came with the stream name (kept for ACL checks)
 */
public record PublisherInfo(String sessionId, String appKey, String mediaProvider, java.util.Map<String, String> query) {
    public PublisherInfo {
        query = query == null ? java.util.Map.of() : java.util.Map.copyOf(query);
    }
}
