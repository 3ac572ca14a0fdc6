package org.estuary.core.rtmp;

import java.util.Map;

/**
 * Splits the name given to publish/play (e.g. {@code cam1?aclAuth=key} or {@code live/cam1})
 * into the stream name (the last path element, without the query) and its query parameters.
 */
public final class StreamNameParser {
    /** @param params query parameters, unmodifiable, empty if none */
    public record StreamName(String name, Map<String, String> params) {
    }

    private StreamNameParser() {
    }

    /** @throws IllegalArgumentException if the name is null or empty once the query is removed */
    public static StreamName parse(String publishOrPlayName) {
        if (publishOrPlayName == null) {
            throw new IllegalArgumentException("stream name is missing");
        }
        int q = publishOrPlayName.indexOf('?');
        String path = q < 0 ? publishOrPlayName : publishOrPlayName.substring(0, q);
        String query = q < 0 ? "" : publishOrPlayName.substring(q + 1);
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isBlank()) {
            throw new IllegalArgumentException("empty stream name in '" + publishOrPlayName + "'");
        }
        return new StreamName(name, QueryParams.parse(query));
    }
}
