package org.estuary.core.config;

/**
 * MPEG-TS ingest over UDP and SRT ({@code /mpegts/*}); these are the defaults of the request fields.
 *
 * @param timeoutMs          a publisher silent this long is ended (request field {@code timeout})
 * @param maxTimestampDiffMs a timestamp jump larger than this is a discontinuity ({@code maxTimestampDiff})
 * @param srtLatencyMs       SRT receiver latency ({@code latency})
 * @param receiveBufferBytes UDP socket receive buffer
 */
public record MpegTsConfig(long timeoutMs, long maxTimestampDiffMs, int srtLatencyMs, int receiveBufferBytes) {

    public static MpegTsConfig defaults() {
        return new MpegTsConfig(90_000, 5_000, 120, 4 << 20);
    }
}
