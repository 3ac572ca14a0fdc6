package org.estuary.core.limits;

/** One limit of the {@code limits} section, named by its configuration key in refusals and metrics. */
public enum Limit {
    CONNECTIONS("maxConnections"),
    CONNECTIONS_PER_ADDRESS("maxConnectionsPerAddress"),
    CONNECTION_RATE_PER_ADDRESS("newConnectionsPerSecondPerAddress"),
    STREAMS_PER_CONNECTION("maxStreamsPerConnection"),
    REST_RATE_PER_ADDRESS("restRequestsPerSecondPerAddress"),
    RTSP_AGENTS("maxRtspAgents"),
    PULL_AGENTS("maxPullAgents"),
    PUSH_AGENTS("maxPushAgents"),
    VOD_AGENTS("maxVodAgents"),
    MPEGTS_AGENTS("maxMpegTsAgents"),
    TRANSCODERS("maxTranscoders"),
    MIXERS("maxMixers"),
    RECORDERS("maxRecorders");

    private final String key;

    Limit(String key) {
        this.key = key;
    }

    /** The configuration key, e.g. {@code limits.maxPullAgents}. */
    public String configKey() {
        return "limits." + key;
    }
}
