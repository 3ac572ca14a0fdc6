package org.estuary.core.config;

import java.util.Objects;

/**
 * HTTP callbacks to the operator's backend (like nginx-rtmp's on_publish or SRS's http_hooks).
 * The server POSTs JSON describing the client and the stream; a 2xx answer allows, anything else
 * refuses. The answer's JSON may rename the stream ({@code "streamName"}) or attach fields
 * ({@code "fields": {...}}).
 *
 * @param onConnect URL asked when an RTMP client connects ("" = off)
 * @param onPublish URL asked before a publish starts ("" = off)
 * @param onPlay    URL asked before a player attaches ("" = off)
 * @param onEvent   URL told about stream lifecycle (published, unpublished, recordingFinished); "" = off
 * @param timeoutMs how long to wait for the backend
 * @param failOpen  allow (true) or refuse (false) when the backend cannot be reached or times out
 */
public record HooksConfig(String onConnect, String onPublish, String onPlay, String onEvent, long timeoutMs,
                          boolean failOpen) {

    public HooksConfig {
        Objects.requireNonNull(onConnect, "onConnect");
        Objects.requireNonNull(onPublish, "onPublish");
        Objects.requireNonNull(onPlay, "onPlay");
        Objects.requireNonNull(onEvent, "onEvent");
    }

    public static HooksConfig defaults() {
        return new HooksConfig("", "", "", "", 3000, false);
    }
}
