package org.estuary.verticles.hls;

import io.vertx.core.json.JsonObject;

/** One player session of an agent (identified by query token, cookie or address + user agent). */
final class HlsSubscriber {
    final String id;
    final String remoteAddress;
    final String userAgent;
    final long createdMs;
    long lastRequestMs;
    long bytes;
    long requests;

    HlsSubscriber(String id, String remoteAddress, String userAgent, long nowMs) {
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.userAgent = userAgent;
        this.createdMs = nowMs;
        this.lastRequestMs = nowMs;
    }

    JsonObject toJson(String hlsId) {
        return new JsonObject()
                .put("id", id)
                .put("hlsId", hlsId)
                .put("remoteAddress", remoteAddress)
                .put("userAgent", userAgent)
                .put("createdDate", createdMs)
                .put("lastRequestDate", lastRequestMs)
                .put("requests", requests)
                .put("bytes", bytes);
    }
}
