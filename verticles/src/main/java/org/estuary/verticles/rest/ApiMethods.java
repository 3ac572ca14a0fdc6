package org.estuary.verticles.rest;

import static org.estuary.verticles.rest.FieldType.ANY;
import static org.estuary.verticles.rest.FieldType.ARRAY;
import static org.estuary.verticles.rest.FieldType.BOOLEAN;
import static org.estuary.verticles.rest.FieldType.BOOLEAN_OR_STRING;
import static org.estuary.verticles.rest.FieldType.INTEGER;
import static org.estuary.verticles.rest.FieldType.INTEGER_OR_STRING;
import static org.estuary.verticles.rest.FieldType.OBJECT;
import static org.estuary.verticles.rest.FieldType.STRING;
import static org.estuary.verticles.rest.FieldType.STRING_OR_ARRAY;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The method table, built from {@code docs/seed-rest-api.txt}: every seed method with its
 * request fields, plus the aliases older docs and clients use.
 *
 * <p>Required fields are only those a request is meaningless without (the uri of an agent, the
 * stream to snapshot...). Filters of find/terminate methods are optional. Flags that reference
 * examples send as strings ({@code "hasAudio": "true"}) use the lenient types so real clients
 * are not turned away. Fields not listed here are allowed and forwarded untouched.
 */
public final class ApiMethods {
    private ApiMethods() { }

    /** Every seed method, in seed order, keyed by canonical path. */
    public static final Map<String, ApiMethod> METHODS;

    /** Alias path → canonical seed path. */
    public static final Map<String, String> ALIASES;

    static {
        Table t = new Table();
        // SIP as RTMP. Reference examples send every /call/startup value as a string.
        t.m("/call/startup").req("callId", STRING).req("callee", STRING)
            .opt("rtmpStream", STRING).opt("rtmpUrl", STRING).opt("hasAudio", BOOLEAN_OR_STRING)
            .opt("hasVideo", BOOLEAN_OR_STRING).opt("sipLogin", STRING).opt("sipAuthenticationName", STRING)
            .opt("sipPassword", STRING).opt("sipDomain", STRING).opt("sipOutboundProxy", STRING)
            .opt("sipPort", INTEGER_OR_STRING).opt("appKey", STRING).opt("sipRegisterRequired", BOOLEAN_OR_STRING)
            .opt("toStream", STRING).opt("visibleName", STRING);
        t.m("/call/find_all").none();
        t.m("/call/find").opt("callId", STRING).opt("callee", STRING).opt("rtmpUrl", STRING).opt("status", STRING);
        t.m("/call/terminate").req("callId", STRING);
        t.m("/call/send_dtmf").req("callId", STRING).req("dtmf", STRING).opt("type", STRING);
        t.m("/call/inject_sound").req("callId", STRING).req("fileName", STRING);
        t.m("/call/inject_stream/startup").req("callId", STRING).req("streamName", STRING);
        t.m("/call/inject_stream/terminate").req("callId", STRING);
        // RTSP
        t.m("/rtsp/startup").req("uri", STRING).opt("localStreamName", STRING).opt("toStream", STRING).opt("transport", STRING);
        t.m("/rtsp/find").opt("uri", STRING).opt("status", STRING);
        t.m("/rtsp/find_all").none();
        t.m("/rtsp/terminate").req("uri", STRING).opt("status", STRING);
        // Streaming
        t.m("/stream/find_all").none();
        t.m("/stream/find").opt("appKeyName", STRING).opt("mediaSessionId", STRING).opt("sessionId", STRING)
            .opt("status", STRING).opt("published", BOOLEAN).opt("name", STRING).opt("display", ARRAY);
        // any one filter selects streams; which combination is enough is the stream verticle's call
        t.m("/stream/terminate").opt("name", STRING).opt("mediaSessionId", STRING).opt("mediaSessionIds", ARRAY)
            .opt("status", STRING).opt("published", BOOLEAN);
        t.m("/stream/snapshot").req("streamName", STRING);
        t.m("/stream/startRecording").req("mediaSessionId", STRING).opt("config", OBJECT);
        t.m("/stream/stopRecording").req("mediaSessionId", STRING);
        // streamName or mediaSessionId chooses the stream; the WebSocket verticle answers 400 when neither is given
        t.m("/stream/event/send").opt("streamName", STRING).opt("mediaSessionId", STRING).req("payload", ANY);
        // Data
        t.m("/data/send").req("sessionId", STRING).req("payload", ANY).opt("nodeId", STRING)
            .opt("operationId", STRING);
        // Connection
        t.m("/connection/terminate").req("sessionId", STRING);
        t.m("/connection/find_all").none();
        t.m("/connection/find").opt("appKey", STRING).opt("sessionId", STRING).opt("clientVersion", STRING);
        // Republishing as RTMP. The seed answers 400 when rtmpUrl is missing, so it is required.
        t.m("/push/startup").req("streamName", STRING).req("rtmpUrl", STRING).opt("options", OBJECT)
            .opt("rtmpTransponderFullUrl", BOOLEAN_OR_STRING);
        t.m("/push/find").opt("streamName", STRING).opt("rtmpUrl", STRING);
        t.m("/push/find_all").none();
        t.m("/push/terminate").req("mediaSessionId", STRING);
        t.m("/push/mute").req("mediaSessionId", STRING);
        t.m("/push/unmute").req("mediaSessionId", STRING);
        t.m("/push/sound_on").req("mediaSessionId", STRING).req("soundFile", STRING).opt("loop", BOOLEAN_OR_STRING);
        t.m("/push/sound_off").req("mediaSessionId", STRING);
        // Pull RTMP
        t.m("/pull/rtmp/pull").req("uri", STRING).opt("localStreamName", STRING).opt("record", BOOLEAN_OR_STRING)
            .opt("hasAudio", BOOLEAN_OR_STRING).opt("hasVideo", BOOLEAN_OR_STRING);
        t.m("/pull/rtmp/find_all").none();
        t.m("/pull/rtmp/terminate").req("uri", STRING);
        // Mixer
        t.m("/mixer/startup").req("uri", STRING).opt("localStreamName", STRING).opt("hasVideo", BOOLEAN_OR_STRING)
            .opt("hasAudio", BOOLEAN_OR_STRING).opt("background", STRING).opt("watermark", STRING)
            .opt("mixerLayoutClass", STRING).opt("mixerLayoutDir", STRING)
            .opt("mixerVideoWidth", INTEGER).opt("mixerVideoHeight", INTEGER).opt("mixerVideoFps", INTEGER)
            .opt("mixerVideoBitrateKbps", INTEGER);
        t.m("/mixer/add").req("uri", STRING).req("remoteStreamName", STRING).opt("localStreamName", STRING)
            .opt("hasVideo", BOOLEAN_OR_STRING).opt("hasAudio", BOOLEAN_OR_STRING).opt("streamLabel", STRING)
            .opt("avatar", STRING).opt("videoPositionId", STRING);
        t.m("/mixer/remove").req("uri", STRING).req("remoteStreamName", STRING);
        t.m("/mixer/find_all").none();
        t.m("/mixer/terminate").req("uri", STRING);
        t.m("/mixer/setAudioVideo").req("uri", STRING).opt("streams", STRING_OR_ARRAY).opt("audioLevel", INTEGER)
            .opt("videoMuted", BOOLEAN);
        t.m("/mixer/set_body_watermark").req("uri", STRING).opt("watermark", STRING).position();
        t.m("/mixer/set_stream_watermark").req("uri", STRING).opt("watermark", STRING)
            .opt("mediaSessionId", STRING).position();
        t.m("/mixer/set_parameter").req("uri", STRING).opt("mixerLayoutClass", STRING)
            .opt("mixerVideoWidth", INTEGER).opt("mixerVideoHeight", INTEGER).opt("mixerVideoFps", INTEGER)
            .opt("mixerVideoBitrateKbps", INTEGER);
        t.m("/mixer/test/start").req("feedingStreams", ARRAY).req("mixerCount", INTEGER)
            .req("streamsInMixer", INTEGER).req("intervalInSeconds", INTEGER);
        t.m("/mixer/test/stop").none();
        t.m("/mixer/test/get_start_example").none();
        // Pull WebRTC from another WCS
        t.m("/pull/pull").req("uri", STRING).req("remoteStreamName", STRING).opt("localStreamName", STRING);
        t.m("/pull/push").req("uri", STRING).req("localStreamName", STRING).opt("remoteStreamName", STRING)
            .opt("localMediaSessionId", STRING);
        t.m("/pull/find_all").none();
        // the reference client sends only some of these; any of them selects the agent
        t.m("/pull/terminate").opt("uri", STRING).opt("localMediaSessionId", STRING)
            .opt("remoteMediaSessionId", STRING).opt("localStreamName", STRING).opt("remoteStreamName", STRING)
            .opt("status", STRING);
        // Logging management
        t.m("/logger/enable_client_log").req("sessionId", STRING).opt("logLevel", STRING);
        t.m("/logger/disable_client_log").req("sessionId", STRING);
        // CDN
        t.m("/cdn/show_nodes").none();
        t.m("/cdn/show_state").none();
        // an empty body clears the enforced state, so state is optional
        t.m("/cdn/enforce_state").opt("state", STRING);
        t.m("/cdn/show_routes").none();
        t.m("/cdn/stream/show_routes").req("streamName", STRING);
        t.m("/cdn/stream/access_list/add").req("name", STRING).req("keys", ARRAY);
        t.m("/cdn/stream/access_list/remove").req("name", STRING).req("keys", ARRAY);
        t.m("/cdn/stream/access_list/delete").req("name", STRING);
        t.m("/cdn/stream/access_list/print").req("name", STRING);
        t.m("/cdn/profile/add").req("name", STRING).req("profile", OBJECT);
        t.m("/cdn/profile/modify").req("name", STRING).req("profile", OBJECT);
        t.m("/cdn/profile/print").none();
        t.m("/cdn/profile/remove").req("name", STRING);
        t.m("/cdn/remove_node").req("nodeId", STRING);
        t.m("/cdn/connection/reset_inbound").req("nodeId", STRING);
        t.m("/cdn/connection/reset_outbound").req("nodeId", STRING);
        t.m("/cdn/connection/reset_all").none();
        // Stream recording
        t.m("/recorder/startup").req("mediaSessionId", STRING).opt("config", OBJECT);
        t.m("/recorder/terminate").req("mediaSessionId", STRING);
        t.m("/recorder/find_all").none();
        // Multiple streams recording
        t.m("/multipleRecorder/startup").req("uri", STRING);
        t.m("/multipleRecorder/add").req("uri", STRING).req("mediaSessionId", STRING);
        t.m("/multipleRecorder/find_all").none();
        t.m("/multipleRecorder/remove").req("uri", STRING).req("mediaSessionId", STRING);
        t.m("/multipleRecorder/terminate").req("uri", STRING);
        // Transcoding management, v1 and v2 share request shapes
        for (String g : List.of("/transcoder", "/transcoder2")) {
            t.m(g + "/startup").req("uri", STRING).req("remoteStreamName", STRING).req("localStreamName", STRING)
                .opt("encoder", OBJECT);
            t.m(g + "/find").agentFilter();
            t.m(g + "/find_all").none();
            t.m(g + "/terminate").agentFilter();
            t.m(g + "/set_watermark").req("uri", STRING).opt("watermark", STRING).position();
        }
        // VOD
        t.m("/vod/startup").req("uri", STRING).opt("localStreamName", STRING).opt("loop", BOOLEAN_OR_STRING);
        t.m("/vod/find").opt("uri", STRING).opt("localStreamName", STRING).opt("status", STRING)
            .opt("localMediaSessionId", STRING);
        t.m("/vod/find_all").none();
        t.m("/vod/terminate").opt("uri", STRING).opt("localStreamName", STRING).opt("status", STRING)
            .opt("localMediaSessionId", STRING);
        // HLS
        t.m("/hls/startup").req("name", STRING);
        t.m("/hls/find_all").opt("offset", INTEGER).opt("size", INTEGER);
        t.m("/hls/terminate").req("name", STRING);
        t.m("/hls/profiles").req("hlsId", STRING).opt("profileName", STRING).opt("offset", INTEGER).opt("size", INTEGER);
        t.m("/hls/subscribers").req("hlsId", STRING).opt("offset", INTEGER).opt("size", INTEGER);
        // SFU
        t.m("/sfu/stats").req("roomName", STRING);
        // MPEG-TS; the seed spells the group "mpepts", the docs "mpegts": both are served
        t.m("/mpepts/startup").req("localStreamName", STRING).opt("transport", STRING)
            .opt("hasAudio", BOOLEAN_OR_STRING).opt("hasVideo", BOOLEAN_OR_STRING).opt("timeout", INTEGER)
            .opt("maxTimestampDiff", INTEGER).opt("allowedList", ARRAY).opt("latency", INTEGER)
            .opt("mode", STRING).opt("remoteUri", STRING).opt("passphrase", STRING).opt("pbkeylen", INTEGER)
            .opt("keyLength", INTEGER).opt("streamid", STRING);
        t.m("/mpepts/find").opt("localStreamName", STRING).opt("uri", STRING);
        t.m("/mpepts/find_all").none();
        t.m("/mpepts/terminate").opt("localStreamName", STRING).opt("uri", STRING);
        METHODS = Collections.unmodifiableMap(t.methods);

        Map<String, String> aliases = new LinkedHashMap<>();
        for (String path : METHODS.keySet()) {
            if (path.startsWith("/mpepts/")) {
                aliases.put("/mpegts/" + path.substring("/mpepts/".length()), path);
            }
        }
        // newer docs name it show_stream_routes
        aliases.put("/cdn/stream/show_stream_routes", "/cdn/stream/show_routes");
        // 5.0 docs and the SIP demo call it without the /startup suffix
        aliases.put("/call/inject_stream", "/call/inject_stream/startup");
        ALIASES = Collections.unmodifiableMap(aliases);
    }

    /**
     * Fields the reference defines that Estuary does not act on yet, by method: a request that sets
     * one is refused with 400 naming it, never silently ignored (an empty value is "not given").
     */
    static final Map<String, Map<String, String>> NOT_SUPPORTED = Map.of();   // none left (mixer XML layouts landed)

    /** The method served at {@code path} (a seed path or an alias), if any. */
    public static Optional<ApiMethod> find(String path) {
        String canonical = ALIASES.getOrDefault(path, path);
        return Optional.ofNullable(METHODS.get(canonical));
    }

    /** Builds the table; one {@link Entry} per method, finished when the next starts. */
    private static final class Table {
        final Map<String, ApiMethod> methods = new LinkedHashMap<>();

        Entry m(String path) {
            return new Entry(this, path);
        }
    }

    private static final class Entry {
        private final Table table;
        private final String path;
        private final Map<String, FieldType> required = new LinkedHashMap<>();
        private final Map<String, FieldType> optional = new LinkedHashMap<>();

        Entry(Table table, String path) {
            this.table = table;
            this.path = path;
            put(false);
        }

        Entry req(String name, FieldType type) {
            required.put(name, type);
            return put(false);
        }

        Entry opt(String name, FieldType type) {
            optional.put(name, type);
            return put(false);
        }

        /** Marks the method parameterless: it also answers GET. */
        void none() {
            put(true);
        }

        /** Watermark placement fields (pixels). */
        Entry position() {
            for (String f : List.of("x", "y", "marginTop", "marginLeft", "marginBottom", "marginRight")) {
                opt(f, INTEGER);
            }
            return this;
        }

        /** Transcoder selection filter. */
        Entry agentFilter() {
            return opt("uri", STRING).opt("remoteStreamName", STRING).opt("localStreamName", STRING)
                .opt("status", STRING);
        }

        // re-put after every change: the record copies the maps
        private Entry put(boolean parameterless) {
            table.methods.put(path, new ApiMethod(path, required, optional, parameterless));
            return this;
        }
    }
}
