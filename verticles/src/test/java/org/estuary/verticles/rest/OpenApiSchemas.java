package org.estuary.verticles.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schema building blocks for {@link OpenApiGenerator}: request-field schemas per
 * {@link FieldType}, and the response objects of API-NOTES section 3 (field names kept exactly).
 */
final class OpenApiSchemas {
    private OpenApiSchemas() { }

    static final String STREAM_STATUSES = "NEW, PENDING, PUBLISHING, PLAYING, PAUSED, UNPUBLISHED, STOPPED, "
        + "FAILED, PLAYBACK_PROBLEM, RESIZE, SNAPSHOT_COMPLETE, NOT_ENOUGH_BANDWIDTH";

    /** The schema a request field of {@code type} is documented with. */
    static Map<String, Object> fieldSchema(FieldType type) {
        switch (type) {
            case STRING: return simple("string");
            case BOOLEAN: return simple("boolean");
            case INTEGER: return simple("integer");
            case NUMBER: return simple("number");
            case OBJECT: return simple("object");
            case ARRAY: return stringArray();
            case STRING_OR_ARRAY: return oneOf(simple("string"), stringArray());
            case BOOLEAN_OR_STRING: return oneOf(simple("boolean"), simple("string"));
            case INTEGER_OR_STRING: return oneOf(simple("integer"), simple("string"));
            case ANY: return map("description", "any JSON value");
            default: throw new AssertionError(type);
        }
    }

    /** components.schemas, in a stable order. */
    static Map<String, Object> components() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Stream", obj("A published or played stream.",
            "nodeId:string", "appKey:string", "sessionId:string", "mediaSessionId:string", "name:string",
            "published:boolean", "mediaType:string", "hasVideo:boolean", "hasAudio:boolean", "audioCodec:string",
            "videoCodec:string", "codecImpl:string", "status:string", "record:boolean", "history:boolean",
            "createDate:int64", "width:integer", "height:integer", "bitrate:integer", "minBitrate:integer",
            "maxBitrate:integer", "quality:integer", "gop:integer", "fps:integer", "audioBitrate:integer",
            "transport:string", "cvoExtension:boolean", "audioState:muted", "videoState:muted",
            "mediaProvider:string", "sdp:string", "custom:object", "parentMediaSessionId:string",
            "metrics:numberMap"));
        describe(c, "Stream", "status", "One of " + STREAM_STATUSES);
        describe(c, "Stream", "mediaType", "publish or play");
        describe(c, "Stream", "metrics", "Only when the request asks display: [metrics]");
        c.put("Connection", obj("A connected client session.",
            "custom:object", "nodeId:string", "appKey:string", "sessionId:string", "sipRegisterRequired:boolean",
            "sipLogin:string", "sipAuthenticationName:string", "sipPassword:string", "sipVisibleName:string",
            "sipDomain:string", "sipOutboundProxy:string", "sipPort:string", "sipContactParams:string",
            "width:integer", "height:integer", "supportedResolutions:string", "useProxy:boolean",
            "useDTLS:boolean", "useWsTunnel:boolean", "useWsTunnelPacketization2:boolean",
            "useBase64BinaryEncoding:boolean", "mediaProviders:stringArray", "clientVersion:string",
            "clientOSVersion:string", "clientBrowserVersion:string"));
        c.put("Transponder", obj("An RTMP republisher created by /push/startup.",
            "mediaSessionId:string", "streamName:string", "rtmpUrl:string", "width:integer", "height:integer",
            "muted:boolean", "soundEnabled:boolean", "options:object"));
        c.put("RtmpAgent", obj("A stream pulled over RTMP (/pull/rtmp).",
            "localMediaSessionId:string", "localStreamName:string", "uri:string", "status:string",
            "hasAudio:boolean", "hasVideo:boolean", "record:boolean"));
        c.put("RtspAgent", obj("An RTSP capture session.", "uri:string", "status:string", "toStream:string"));
        c.put("Mixer", extensible(obj("A stream mixer; also carries its mixer settings in camelCase.",
            "localMediaSessionId:string", "remoteMediaSessionId:string", "localStreamName:string",
            "remoteStreamName:string", "uri:string", "status:string", "hasAudio:boolean", "hasVideo:boolean",
            "record:boolean", "mediaSessions:stringArray", "inputs:objectArray")));
        c.put("Recorder", obj("A running stream recording.", "fileName:string", "mediaSessionId:string"));
        c.put("MultipleRecorder", obj("A recorder of several streams into one file.",
            "mediaSessionsId:stringArray", "uri:string", "fileName:string"));
        c.put("Transcoder", obj("A transcoder (v1 and v2 share the envelope).",
            "localMediaSessionId:string", "localStreamName:string", "remoteStreamName:string", "uri:string",
            "status:string", "hasAudio:boolean", "hasVideo:boolean", "record:boolean", "encoder:encoder"));
        c.put("VOD", obj("A video-on-demand live translation.",
            "localMediaSessionId:string", "localStreamName:string", "uri:string", "status:string",
            "hasAudio:boolean", "hasVideo:boolean", "record:boolean", "loop:boolean"));
        c.put("HLS", obj("An HLS agent.", "id:string", "streamName:string", "status:string", "waitingSize:integer",
            "profiles:stringArray", "subscribers:integer", "playlist:string", "createdDate:int64",
            "logs:stringArray"));
        c.put("HLSProfile", extensible(obj("Statistics of one HLS profile.", "name:string", "stream:Stream",
            "keyFrameReceived:boolean", "videoProfile:object")));
        c.put("HLSSubscriber", extensible(obj("One HLS subscriber. The reference does not document the shape;"
            + " Estuary reports at least the subscriber session.", "sessionId:string")));
        c.put("MpegTs", obj("An MPEG-TS publishing session; uri is where the encoder must send.",
            "localMediaSessionId:string", "localStreamName:string", "uri:string", "status:string",
            "hasAudio:boolean", "hasVideo:boolean", "record:boolean", "transport:string", "cdn:boolean",
            "timeout:integer", "maxTimestampDiff:integer", "allowedList:stringArray"));
        c.put("Call", obj("A SIP call.", "custom:object", "nodeId:string", "appKey:string", "sessionId:string",
            "callId:string", "parentCallId:string", "incoming:boolean", "status:string", "sipStatus:integer",
            "rtmpUrl:string", "rtmpStream:string", "streamName:string", "rtmpStreamStatus:string",
            "caller:string", "callee:string", "visibleName:string", "hasAudio:boolean", "hasVideo:boolean",
            "sdp:string", "mediaProvider:string", "inviteParameters:object", "sipMessageRaw:string",
            "isMsrp:boolean", "target:string", "holdForTransfer:boolean"));
        c.put("CDNNode", obj("Another node of the CDN (the queried node does not list itself).",
            "id:string", "role:string", "globalState:string", "processingState:string", "version:string",
            "inboundConnected:boolean", "outboundConnected:boolean", "connectionStats:connectionStats"));
        describe(c, "CDNNode", "role", "ORIGIN, EDGE or TRANSCODER");
        describe(c, "CDNNode", "globalState", "ACTIVE or PASSIVE");
        describe(c, "CDNNode", "processingState", "NEW_STREAMS_ALLOWED or GROUP_CONNECTION_ALLOWED");
        Map<String, Object> route = map("type", "object", "description", "Route id to stream name.");
        route.put("additionalProperties", simple("string"));
        c.put("CDNRoute", route);
        c.put("PullAgent", obj("A WebRTC pull or push agent to another server.",
            "localMediaSessionId:string", "remoteMediaSessionId:string", "localStreamName:string",
            "remoteStreamName:string", "uri:string", "status:string", "info:string", "push:boolean"));
        Map<String, Object> participant = obj("A participant of an SFU room.", "nickName:string",
            "outgoingTracks:objectArray");
        props(participant).put("incomingTracks", map("description",
            "Array of {id, quality} (newer builds) or a map of track id to quality (older builds)"));
        c.put("Participant", participant);
        Map<String, Object> test = obj("Body of /mixer/test/start.", "feedingStreams:stringArray",
            "mixerCount:integer", "streamsInMixer:integer", "intervalInSeconds:integer");
        test.put("example", map("feedingStreams", List.of("stream1", "stream2", "stream3"), "mixerCount", 3,
            "streamsInMixer", 1, "intervalInSeconds", 60));
        c.put("MixerTest", test);
        Map<String, Object> error = obj("Every error answer. Never carries a stack trace.", "status:integer",
            "error:string", "message:string", "field:string", "expected:string", "method:string", "path:string");
        error.put("required", List.of("status", "error", "message"));
        c.put("Error", error);
        describe(c, "Error", "field", "The offending request field (400 only)");
        describe(c, "Error", "method", "The REST method (501, 405)");
        return c;
    }

    /** An object schema from "name:kind" specs. */
    static Map<String, Object> obj(String description, String... fields) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String f : fields) {
            String[] nk = f.split(":");
            properties.put(nk[0], kind(nk[1]));
        }
        Map<String, Object> o = map("type", "object", "description", description);
        o.put("properties", properties);
        return o;
    }

    private static Map<String, Object> kind(String kind) {
        switch (kind) {
            case "string": case "boolean": case "integer": case "object": return simple(kind);
            case "int64": return map("type", "integer", "format", "int64");
            case "stringArray": return stringArray();
            case "objectArray": return map("type", "array", "items", simple("object"));
            case "numberMap": return map("type", "object", "additionalProperties", simple("number"));
            case "muted": return obj("Mute state", "muted:boolean");
            case "encoder": return obj("Encoder settings", "width:integer", "height:integer",
                "keyFrameInterval:integer", "fps:integer", "bitrate:integer", "type:string", "watermark:string",
                "videoCodec:string", "audioCodec:string", "videoRate:integer", "audioRate:integer",
                "audioBitrate:integer");
            case "connectionStats": return obj("Signalling connection statistics", "lastRtt:integer",
                "lastSn:integer", "lastMessageSentMs:int64", "lastACKReceivedMs:int64", "maxRtt:integer",
                "inFlightSize:integer");
            default: return ref(kind); // a component name
        }
    }

    static Map<String, Object> ref(String component) {
        return map("$ref", "#/components/schemas/" + component);
    }

    static Map<String, Object> arrayOf(Map<String, Object> items) {
        return map("type", "array", "items", items);
    }

    static Map<String, Object> simple(String type) {
        return map("type", type);
    }

    private static Map<String, Object> stringArray() {
        return arrayOf(simple("string"));
    }

    private static Map<String, Object> oneOf(Map<String, Object> a, Map<String, Object> b) {
        return map("oneOf", new ArrayList<>(List.of(a, b)));
    }

    private static Map<String, Object> extensible(Map<String, Object> schema) {
        schema.put("additionalProperties", true);
        return schema;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Map<String, Object> schema) {
        return (Map<String, Object>) schema.get("properties");
    }

    @SuppressWarnings("unchecked")
    private static void describe(Map<String, Object> components, String schema, String field, String text) {
        if (schema == null) {
            return;
        }
        Map<String, Object> p = (Map<String, Object>) props((Map<String, Object>) components.get(schema)).get(field);
        p.put("description", text);
    }

    /** A mutable ordered map from key/value pairs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
