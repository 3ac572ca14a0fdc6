package org.estuary.core.config;

import java.util.Objects;

/**
 * The whole, validated server configuration. The component names are the YAML section names;
 * obtain one from {@link ConfigLoader#load} (or {@link #defaults()}).
 */
public record ServerConfig(NodeConfig node, RestConfig rest, WebSocketConfig websocket, HlsConfig hls,
                           RtmpConfig rtmp, SipConfig sip, MediaConfig media, RecordsConfig records,
                           StreamConfig stream, ClusterConfig cluster, MetricsConfig metrics,
                           MixerConfig mixer, HooksConfig hooks, AccessConfig access, WebRtcConfig webrtc,
                           TlsConfig tls, RtspConfig rtsp, PullConfig pull, PushConfig push, VodConfig vod,
                           MpegTsConfig mpegts, TranscoderConfig transcoder, CdnConfig cdn,
                           LimitsConfig limits, SfuConfig sfu) {

    public ServerConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(websocket, "websocket");
        Objects.requireNonNull(hls, "hls");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(sip, "sip");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(mixer, "mixer");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(webrtc, "webrtc");
        Objects.requireNonNull(rtsp, "rtsp");
        Objects.requireNonNull(pull, "pull");
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(vod, "vod");
        Objects.requireNonNull(mpegts, "mpegts");
        Objects.requireNonNull(transcoder, "transcoder");
        Objects.requireNonNull(cdn, "cdn");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(sfu, "sfu");
    }

    public static ServerConfig defaults() {
        return new ServerConfig(NodeConfig.defaults(), RestConfig.defaults(), WebSocketConfig.defaults(),
                HlsConfig.defaults(), RtmpConfig.defaults(), SipConfig.defaults(), MediaConfig.defaults(),
                RecordsConfig.defaults(), StreamConfig.defaults(), ClusterConfig.defaults(), MetricsConfig.defaults(),
                MixerConfig.defaults(), HooksConfig.defaults(), AccessConfig.defaults(), WebRtcConfig.defaults(),
                TlsConfig.defaults(), RtspConfig.defaults(), PullConfig.defaults(), PushConfig.defaults(),
                VodConfig.defaults(), MpegTsConfig.defaults(), TranscoderConfig.defaults(), CdnConfig.defaults(),
                LimitsConfig.defaults(), SfuConfig.defaults());
    }

    /** Renders this configuration as YAML that {@link ConfigLoader} reads back to an equal configuration. */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }
}
