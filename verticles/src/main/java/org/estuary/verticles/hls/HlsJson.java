package org.estuary.verticles.hls;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.hls.HlsSegment;
import org.estuary.core.media.Codec;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;

/** REST shapes of HLS agents and profiles (API-NOTES §3 "HLS agent", "HLSProfile"). */
final class HlsJson {
    private HlsJson() { }

    static JsonObject agent(HlsAgent a, String playlistUrl) {
        var seg = a.segmenter();
        List<HlsSegment> window = seg.window();
        JsonArray profiles = new JsonArray();
        profileNames(a).forEach(profiles::add);
        return new JsonObject()
                .put("id", a.name())
                .put("streamName", a.name())
                .put("status", "ACTIVE")
                .put("waitingSize", a.waitingSize())
                .put("profiles", profiles)
                .put("subscribers", a.subscribers().size())
                .put("playlist", playlistUrl)
                .put("createdDate", a.createdMs())
                .put("logs", new JsonArray(new ArrayList<>(a.logs())))
                .put("lowLatency", seg.lowLatency())
                .put("sourcePublished", a.source() != null)
                .put("mediaSequence", window.isEmpty() ? 0 : window.get(0).sequence())
                .put("targetDuration", seg.targetDurationSec())
                .put("codecs", seg.codecs());
    }

    private static List<String> profileNames(HlsAgent a) {
        List<String> names = new ArrayList<>();
        MediaDescription d = a.source() == null ? MediaDescription.EMPTY : a.source().description();
        if (d.hasAudio()) {
            names.add("a_" + a.name());
        }
        if (d.hasVideo()) {
            names.add("v_" + a.name());
        }
        return names;
    }

    static List<JsonObject> profiles(HlsAgent a, String nodeId) {
        List<JsonObject> out = new ArrayList<>();
        Stream s = a.source();
        StreamReader r = a.reader();
        if (s == null || r == null) {
            return out;
        }
        MediaDescription d = s.description();
        boolean keyFrame = a.segmenter().hasContent() || a.segmenter().nextSequence() > 0;
        if (d.hasVideo()) {
            out.add(new JsonObject().put("name", "v_" + a.name()).put("stream", stream(a, s, r, nodeId))
                    .put("keyFrameReceived", keyFrame)
                    .put("videoProfile", new JsonObject().put("type", "video").put("codec", name(d.videoCodec()))
                            .put("width", d.width()).put("height", d.height()).put("fps", d.fps())));
        }
        if (d.hasAudio()) {
            out.add(new JsonObject().put("name", "a_" + a.name()).put("stream", stream(a, s, r, nodeId))
                    .put("keyFrameReceived", keyFrame)
                    .put("audioProfile", new JsonObject().put("type", "audio").put("codec", name(d.audioCodec()))
                            .put("rate", d.sampleRate()).put("channels", d.channels())));
        }
        return out;
    }

    private static JsonObject stream(HlsAgent a, Stream s, StreamReader r, String nodeId) {
        MediaDescription d = s.description();
        return new JsonObject()
                .put("nodeId", nodeId)
                .put("appKey", r.info().appKey())
                .put("sessionId", r.info().sessionId())
                .put("mediaSessionId", r.info().mediaSessionId())
                .put("name", a.name())
                .put("published", false)
                .put("mediaType", "play")
                .put("status", "PLAYING")
                .put("mediaProvider", "HLS")
                .put("parentMediaSessionId", s.mediaSessionId())
                .put("hasVideo", d.hasVideo())
                .put("hasAudio", d.hasAudio())
                .put("videoCodec", name(d.videoCodec()))
                .put("audioCodec", name(d.audioCodec()))
                .put("width", d.width())
                .put("height", d.height())
                .put("createDate", r.createdAtMillis());
    }

    private static String name(Codec c) {
        return c == null ? null : c.apiName();
    }
}
