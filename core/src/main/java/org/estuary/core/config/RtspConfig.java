package org.estuary.core.config;

/**
 * RTSP camera ingest ({@code /rtsp/*} and on-demand {@code rtsp://} names).
 *
 * @param publishIdleTimeoutMs    a name whose publisher sent nothing this long may be taken over by an RTSP agent
 * @param connectTimeoutMs        TCP connect to the camera
 * @param requestTimeoutMs        an RTSP request unanswered this long ends the session
 * @param mediaTimeoutMs          no RTP this long while playing ends the session (the agent reconnects)
 * @param receiverReportMs        RTCP receiver report interval
 * @param onDemandIdleMs          an on-demand agent without readers stops after this long
 * @param maxRedirects            3xx answers followed in a row
 * @param maxFirstConnectFailures failed connects, before the camera ever played, that make the agent give up
 * @param reconnectFirstMs        first reconnect delay (doubling up to reconnectMaxMs)
 * @param reconnectMaxMs          longest reconnect delay
 * @param reconnectGiveUpMs       a stream that lost its camera stays published (players wait) this long while the agent
 *                                reconnects; after that it is unpublished (the agent keeps trying)
 */
public record RtspConfig(long publishIdleTimeoutMs, long connectTimeoutMs, long requestTimeoutMs, long mediaTimeoutMs,
                         long receiverReportMs, long onDemandIdleMs, int maxRedirects, int maxFirstConnectFailures,
                         long reconnectFirstMs, long reconnectMaxMs, long reconnectGiveUpMs) {

    public static RtspConfig defaults() {
        return new RtspConfig(10_000, 5_000, 10_000, 10_000, 5_000, 5_000, 5, 3, 1_000, 30_000, 30_000);
    }
}
