package org.estuary.core.config;

/**
 * RTMP re-publishing ({@code /push/*} transponders).
 *
 * @param reconnectFirstMs first reconnect delay (doubling up to reconnectMaxMs)
 * @param reconnectMaxMs   longest reconnect delay
 * @param audioBitrate     AAC bitrate when audio is re-encoded (mute, sound injection), bit/s
 */
public record PushConfig(long reconnectFirstMs, long reconnectMaxMs, int audioBitrate) {

    public static PushConfig defaults() {
        return new PushConfig(1_000, 30_000, 128_000);
    }
}
