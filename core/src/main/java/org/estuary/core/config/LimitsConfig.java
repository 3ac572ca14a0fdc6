package org.estuary.core.config;

/**
 * Resource limits of one node: past one, the request is refused (RTMP onStatus/_error, HTTP 429 or
 * 503 with a JSON body naming the limit) and counted in {@code /metrics}; nothing already running
 * is touched. 0 turns a limit off.
 *
 * @param maxConnections                    client connections (RTMP, RTMPS, WebSocket, REST/HLS HTTP) at once, in total
 * @param maxConnectionsPerAddress          client connections at once from one client IP address
 * @param newConnectionsPerSecondPerAddress new client connections per second from one IP address
 * @param maxStreamsPerConnection           RTMP streams (createStream) one connection may hold
 * @param restRequestsPerSecondPerAddress   REST/ops HTTP requests per second from one IP address
 * @param maxRtspAgents                     RTSP agents (/rtsp/startup)
 * @param maxPullAgents                     RTMP pull agents (/pull/rtmp/pull)
 * @param maxPushAgents                     push transponders (/push/startup)
 * @param maxVodAgents                      VOD sessions (/vod/startup)
 * @param maxMpegTsAgents                   MPEG-TS/SRT receivers (/mpegts/startup)
 * @param maxTranscoders                    transcoders (/transcoder/startup, /v2/transcoder/startup)
 * @param maxMixers                         mixers, started by /mixer/startup or by publishing user#room
 * @param maxRecorders                      recordings (/stream/startRecording, /multipleRecorder/startup)
 */
public record LimitsConfig(int maxConnections, int maxConnectionsPerAddress, int newConnectionsPerSecondPerAddress,
                           int maxStreamsPerConnection, int restRequestsPerSecondPerAddress, int maxRtspAgents,
                           int maxPullAgents, int maxPushAgents, int maxVodAgents, int maxMpegTsAgents,
                           int maxTranscoders, int maxMixers, int maxRecorders) {

    public static LimitsConfig defaults() {
        // Per-address defaults leave room for many viewers behind one address (carrier NAT, an
        // office, a load client ramping 2,000 players at 200/s as the fan-out benchmark does):
        // 500 at once and 50 new per second refused most of such a ramp.
        return new LimitsConfig(10_000, 5_000, 1_000, 16, 200, 200, 200, 200, 200, 200, 32, 16, 200);
    }
}
