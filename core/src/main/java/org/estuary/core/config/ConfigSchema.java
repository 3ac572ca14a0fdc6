package org.estuary.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key ("section.key") with its type and range. Sections and keys are the
 * record component names of {@link ServerConfig} and its section records; the table below adds
 * the ranges, and a check at class load makes sure the two never drift apart.
 */
public final class ConfigSchema {

    private static final Map<String, ValueType> TYPES = types();

    static {
        List<String> fromRecords = new ArrayList<>();
        for (RecordComponent section : ServerConfig.class.getRecordComponents()) {
            for (RecordComponent key : section.getType().getRecordComponents()) {
                fromRecords.add(section.getName() + "." + key.getName());
            }
        }
        if (!fromRecords.equals(List.copyOf(TYPES.keySet()))) {
            throw new IllegalStateException("ConfigSchema is out of date: records have " + fromRecords
                    + " but the schema has " + TYPES.keySet());
        }
    }

    private ConfigSchema() { }

    private static Map<String, ValueType> types() {
        // Durations are milliseconds, capped at a day to catch unit mistakes (seconds typed as ms the other way round is harmless).
        long day = 86_400_000L;
        Map<String, ValueType> t = new LinkedHashMap<>();
        t.put("node.id", ValueType.string());
        t.put("node.bindAddress", ValueType.nonEmptyString());
        t.put("node.publicHost", ValueType.string());
        t.put("node.shutdownTimeoutMs", ValueType.longInteger(0, day));
        t.put("node.startupTimeoutMs", ValueType.longInteger(1_000, day));
        t.put("node.nativeTransport", ValueType.bool());
        t.put("rest.port", ValueType.port());
        t.put("rest.corsAllowOrigin", ValueType.string());
        t.put("rest.maxBodyBytes", ValueType.integer(1, Integer.MAX_VALUE));
        t.put("rest.auth", ValueType.oneOf(RestAuth.class));
        t.put("rest.users", ValueType.stringList("a list of user:password", e -> e.indexOf(':') > 0));
        t.put("rest.tokens", ValueType.stringList("a list of non-empty tokens", e -> !e.isBlank()));
        t.put("rest.tokensFile", ValueType.string());
        t.put("rest.protectMetrics", ValueType.bool());
        t.put("websocket.port", ValueType.port());
        t.put("websocket.keepAliveIntervalMs", ValueType.longInteger(100, 3_600_000));
        t.put("websocket.keepAliveProbes", ValueType.integer(1, 1000));
        t.put("websocket.maxMessageBytes", ValueType.integer(1024, 64 * 1024 * 1024));
        t.put("websocket.maxMessagesPerSecond", ValueType.integer(1, 1_000_000));
        t.put("hls.port", ValueType.port());
        t.put("hls.directory", ValueType.nonEmptyString());
        t.put("hls.segmentDurationSec", ValueType.integer(1, 60));
        t.put("hls.playlistSegments", ValueType.integer(1, 1000));
        t.put("hls.autoStart", ValueType.bool());
        t.put("hls.idleTimeoutMs", ValueType.longInteger(0, day));
        t.put("hls.storage", ValueType.oneOf(HlsStorage.class));
        t.put("hls.lowLatency", ValueType.bool());
        t.put("hls.partDurationMs", ValueType.integer(100, 2000));
        t.put("hls.abrProfiles", ValueType.stringList("a list of <height>:<kbit/s>[:<fps>] entries",
                e -> e.matches(HlsConfig.ABR_PROFILE)));
        t.put("rtmp.port", ValueType.port());
        t.put("rtmp.chunkSize", ValueType.integer(128, 65_536));
        t.put("rtmp.windowAckSize", ValueType.integer(1, Integer.MAX_VALUE));
        t.put("rtmp.publishIdleTimeoutMs", ValueType.longInteger(0, day));
        t.put("rtmp.playWaitTimeoutMs", ValueType.longInteger(0, day));
        t.put("rtmp.handshakeTimeoutMs", ValueType.longInteger(1, day));
        t.put("rtmp.idleTimeoutMs", ValueType.longInteger(0, day));
        t.put("rtmp.maxMessageBytes", ValueType.integer(1, 16_777_215)); // RTMP message length is a 24-bit field
        t.put("rtmp.instances", ValueType.integer(0, 1024));
        t.put("rtmp.writeCoalesceMs", ValueType.longInteger(0, 1000));
        t.put("sip.port", ValueType.port());
        t.put("sip.maxCalls", ValueType.integer(0, 100_000));
        t.put("sip.noAnswerTimeoutMs", ValueType.longInteger(1_000, day));
        t.put("sip.rtpTimeoutMs", ValueType.longInteger(0, day));
        t.put("sip.registerExpiresSec", ValueType.integer(60, 86_400));
        t.put("sip.aacSampleRate", ValueType.integer(8_000, 48_000));
        t.put("sip.incomingCalls", ValueType.bool());
        t.put("sip.allowFrom", ValueType.string());
        t.put("sip.password", ValueType.string());
        t.put("sip.incomingAnswerDelayMs", ValueType.longInteger(0, 60_000));
        t.put("sip.audioCodecs", ValueType.nonEmptyString());
        t.put("sip.registrar", ValueType.string());
        t.put("sip.registerUser", ValueType.nonEmptyString());
        t.put("sip.registerPassword", ValueType.string());
        t.put("sip.registerStream", ValueType.string());
        t.put("media.portFrom", ValueType.integer(1, 65_535));
        t.put("media.portTo", ValueType.integer(1, 65_535));
        t.put("media.directory", ValueType.nonEmptyString());
        t.put("records.directory", ValueType.nonEmptyString());
        t.put("records.fileTemplate", ValueType.nonEmptyString());
        t.put("records.hook", ValueType.string());
        t.put("stream.readerQueueFrames", ValueType.integer(1, 1_000_000));
        t.put("stream.gopCacheMaxFrames", ValueType.integer(0, 1_000_000));
        t.put("stream.gopCacheMaxBytes", ValueType.integer(0, Integer.MAX_VALUE));
        t.put("cluster.enabled", ValueType.bool());
        t.put("cluster.name", ValueType.nonEmptyString());
        t.put("cluster.host", ValueType.nonEmptyString());
        t.put("cluster.port", ValueType.port());
        t.put("cluster.members", ValueType.hostPortList());
        t.put("cluster.eventBusPort", ValueType.port());
        t.put("cluster.role", ValueType.someOf(ClusterRole.class));
        t.put("metrics.enabled", ValueType.bool());
        t.put("mixer.autoStart", ValueType.bool());
        t.put("mixer.desktopKeyword", ValueType.string());
        t.put("mixer.layout", ValueType.nonEmptyString());
        t.put("mixer.videoWidth", ValueType.integer(64, 3840));
        t.put("mixer.videoHeight", ValueType.integer(64, 2160));
        t.put("mixer.videoFps", ValueType.integer(1, 60));
        t.put("mixer.videoBitrateKbps", ValueType.integer(50, 50_000));
        t.put("mixer.holdLastFrameMs", ValueType.longInteger(0, day));
        t.put("mixer.background", ValueType.nonEmptyString());
        t.put("mixer.audioBitrate", ValueType.integer(16_000, 512_000));
        t.put("mixer.decodeThreads", ValueType.integer(1, 64));
        t.put("mixer.idleTimeoutMs", ValueType.longInteger(0, day));
        t.put("mixer.labelFontSize", ValueType.integer(8, 200));
        t.put("mixer.layoutsDirectory", ValueType.nonEmptyString());
        t.put("mixer.layoutDir", ValueType.string());
        t.put("hooks.onConnect", ValueType.httpUrlOrEmpty());
        t.put("hooks.onPublish", ValueType.httpUrlOrEmpty());
        t.put("hooks.onPlay", ValueType.httpUrlOrEmpty());
        t.put("hooks.onEvent", ValueType.httpUrlOrEmpty());
        t.put("hooks.timeoutMs", ValueType.longInteger(1, 60_000));
        t.put("hooks.failOpen", ValueType.bool());
        t.put("access.publishNetworks", ValueType.networkList());
        t.put("access.playNetworks", ValueType.networkList());
        t.put("access.publishSecret", ValueType.string());
        t.put("access.playSecret", ValueType.string());
        t.put("access.secretParam", ValueType.nonEmptyString());
        t.put("webrtc.port", ValueType.port());
        t.put("webrtc.publicAddress", ValueType.string());
        t.put("webrtc.privateAddress", ValueType.string());
        t.put("webrtc.consentTimeoutMs", ValueType.longInteger(1000, day));
        t.put("webrtc.dtlsThreads", ValueType.integer(1, 256));
        t.put("webrtc.dtlsTimeoutMs", ValueType.longInteger(100, day));
        t.put("webrtc.keyframeIntervalMs", ValueType.longInteger(0, day));
        t.put("webrtc.publishBitrateKbps", ValueType.integer(0, 100_000));
        t.put("webrtc.transportCc", ValueType.bool());
        t.put("tls.certFile", ValueType.string());
        t.put("tls.keyFile", ValueType.string());
        t.put("tls.reloadCheckMs", ValueType.longInteger(100, day));
        t.put("tls.restPort", ValueType.port());
        t.put("tls.hlsPort", ValueType.port());
        t.put("tls.rtmpPort", ValueType.port());
        t.put("tls.websocketPort", ValueType.port());
        t.put("rtsp.publishIdleTimeoutMs", ValueType.longInteger(0, day));
        t.put("rtsp.connectTimeoutMs", ValueType.longInteger(1, day));
        t.put("rtsp.requestTimeoutMs", ValueType.longInteger(1, day));
        t.put("rtsp.mediaTimeoutMs", ValueType.longInteger(1, day));
        t.put("rtsp.receiverReportMs", ValueType.longInteger(100, day));
        t.put("rtsp.onDemandIdleMs", ValueType.longInteger(0, day));
        t.put("rtsp.maxRedirects", ValueType.integer(0, 100));
        t.put("rtsp.maxFirstConnectFailures", ValueType.integer(1, 1000));
        t.put("rtsp.reconnectFirstMs", ValueType.longInteger(1, day));
        t.put("rtsp.reconnectMaxMs", ValueType.longInteger(1, day));
        t.put("rtsp.reconnectGiveUpMs", ValueType.longInteger(1, day));
        t.put("pull.publishIdleTimeoutMs", ValueType.longInteger(0, day));
        t.put("pull.mediaTimeoutMs", ValueType.longInteger(1, day));
        t.put("pull.reconnectFirstMs", ValueType.longInteger(1, day));
        t.put("pull.reconnectMaxMs", ValueType.longInteger(1, day));
        t.put("push.reconnectFirstMs", ValueType.longInteger(1, day));
        t.put("push.reconnectMaxMs", ValueType.longInteger(1, day));
        t.put("push.audioBitrate", ValueType.integer(16_000, 512_000));
        t.put("vod.leadMs", ValueType.longInteger(0, 10_000));
        t.put("vod.s3Endpoint", ValueType.httpUrlOrEmpty());
        t.put("vod.s3Region", ValueType.nonEmptyString());
        t.put("vod.s3AccessKeyId", ValueType.string());
        t.put("vod.s3SecretAccessKey", ValueType.string());
        t.put("vod.s3PathStyle", ValueType.bool());
        t.put("vod.s3ReadBlockBytes", ValueType.integer(16 * 1024, 64 << 20));
        t.put("mpegts.timeoutMs", ValueType.longInteger(1, day));
        t.put("mpegts.maxTimestampDiffMs", ValueType.longInteger(1, day));
        t.put("mpegts.srtLatencyMs", ValueType.integer(0, 60_000));
        t.put("mpegts.receiveBufferBytes", ValueType.integer(65_536, 1 << 30));
        t.put("transcoder.defaultFps", ValueType.integer(1, 120));
        t.put("transcoder.defaultKeyFrameInterval", ValueType.integer(1, 3600));
        t.put("transcoder.audioBitrate", ValueType.integer(6_000, 512_000));
        t.put("transcoder.maxWatermarkBytes", ValueType.integer(1, 1 << 30));
        t.put("cdn.relayLingerMs", ValueType.longInteger(0, day));
        t.put("cdn.loadRefreshMs", ValueType.longInteger(100, 60_000));
        t.put("cdn.cpuThresholdPercent", ValueType.integer(0, 100));
        t.put("cdn.transcoderThreshold", ValueType.integer(0, 100_000));
        t.put("cdn.aclKeyParameter", ValueType.nonEmptyString());
        t.put("cdn.bridgeEnabled", ValueType.bool());
        t.put("cdn.bridgePort", ValueType.port());
        t.put("cdn.edgePublish", ValueType.oneOf(EdgePublish.class));
        t.put("cdn.relayVia", ValueType.string());
        t.put("cdn.sockJsPort", ValueType.port());
        t.put("cdn.bridgeInbound", ValueType.string());
        t.put("limits.maxConnections", ValueType.integer(0, 1_000_000));
        t.put("limits.maxConnectionsPerAddress", ValueType.integer(0, 1_000_000));
        t.put("limits.newConnectionsPerSecondPerAddress", ValueType.integer(0, 1_000_000));
        t.put("limits.maxStreamsPerConnection", ValueType.integer(0, 1024));
        t.put("limits.restRequestsPerSecondPerAddress", ValueType.integer(0, 1_000_000));
        t.put("limits.maxRtspAgents", ValueType.integer(0, 1_000_000));
        t.put("limits.maxPullAgents", ValueType.integer(0, 1_000_000));
        t.put("limits.maxPushAgents", ValueType.integer(0, 1_000_000));
        t.put("limits.maxVodAgents", ValueType.integer(0, 1_000_000));
        t.put("limits.maxMpegTsAgents", ValueType.integer(0, 1_000_000));
        t.put("limits.maxTranscoders", ValueType.integer(0, 1_000_000));
        t.put("limits.maxMixers", ValueType.integer(0, 1_000_000));
        t.put("limits.maxRecorders", ValueType.integer(0, 1_000_000));
        t.put("sfu.maxParticipantsPerRoom", ValueType.integer(1, 10_000));
        t.put("sfu.maxRooms", ValueType.integer(1, 1_000_000));
        t.put("sfu.mixedView", ValueType.bool());
        return t;
    }

    /** Every key as "section.key", in section and component order. */
    public static List<String> keys() {
        return List.copyOf(TYPES.keySet());
    }

    /** Every section name, in order. */
    public static List<String> sections() {
        return Arrays.stream(ServerConfig.class.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** The environment variable that overrides a key: rtmp.publishIdleTimeoutMs → ESTUARY_RTMP_PUBLISH_IDLE_TIMEOUT_MS. */
    public static String envName(String key) {
        int dot = key.indexOf('.');
        String snake = key.substring(dot + 1).replaceAll("([a-z0-9])([A-Z])", "$1_$2");
        return ("ESTUARY_" + key.substring(0, dot) + "_" + snake).toUpperCase(Locale.ROOT);
    }

    static ValueType type(String key) {
        return TYPES.get(key);
    }

    /** The values of a configuration as "section.key" → Java value. */
    static Map<String, Object> flatten(ServerConfig config) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent section : ServerConfig.class.getRecordComponents()) {
            Object sectionValue = read(section, config);
            for (RecordComponent key : section.getType().getRecordComponents()) {
                values.put(section.getName() + "." + key.getName(), read(key, sectionValue));
            }
        }
        return values;
    }

    /** Builds a configuration from a complete map as produced by {@link #flatten} (values already parsed). */
    static ServerConfig build(Map<String, Object> values) {
        RecordComponent[] sections = ServerConfig.class.getRecordComponents();
        Object[] sectionValues = new Object[sections.length];
        for (int i = 0; i < sections.length; i++) {
            RecordComponent[] keys = sections[i].getType().getRecordComponents();
            Object[] args = new Object[keys.length];
            for (int k = 0; k < keys.length; k++) {
                args[k] = values.get(sections[i].getName() + "." + keys[k].getName());
            }
            sectionValues[i] = construct(sections[i].getType(), args);
        }
        return (ServerConfig) construct(ServerConfig.class, sectionValues);
    }

    /** The closest candidate within two edits (typo distance), if any. */
    static Optional<String> suggest(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : candidates) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Object read(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static Object construct(Class<?> recordType, Object[] args) {
        Class<?>[] types = Arrays.stream(recordType.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> canonical = recordType.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + recordType.getSimpleName(), e);
        }
    }
}
