package org.estuary.core.config;

/**
 * RTMP pull agents ({@code /pull/rtmp/*}).
 *
 * @param publishIdleTimeoutMs a name whose publisher sent nothing this long may be taken over by a pull agent
 * @param mediaTimeoutMs       no media this long counts as the remote stream ending (nginx-rtmp tells players nothing)
 * @param reconnectFirstMs     first reconnect delay (doubling up to reconnectMaxMs)
 * @param reconnectMaxMs       longest reconnect delay
 */
public record PullConfig(long publishIdleTimeoutMs, long mediaTimeoutMs, long reconnectFirstMs, long reconnectMaxMs) {

    public static PullConfig defaults() {
        return new PullConfig(10_000, 5_000, 1_000, 30_000);
    }
}
