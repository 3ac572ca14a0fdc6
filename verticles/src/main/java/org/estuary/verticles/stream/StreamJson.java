package org.estuary.verticles.stream;

import io.vertx.core.json.JsonObject;
import org.estuary.core.media.Codec;
import org.estuary.core.session.ClientConnection;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;

/** Builds the reference REST objects (Stream, Connection) from hub objects. */
final class StreamJson {
    private StreamJson() { }

    static JsonObject publisher(Stream s, String nodeId) {
        MediaDescription d = s.description();
        JsonObject o = base(nodeId, s.publisher().appKey(), s.publisher().sessionId(), s.mediaSessionId(), s.name());
        o.put("published", true).put("mediaType", "publish").put("status", s.isEnded() ? "UNPUBLISHED" : "PUBLISHING");
        media(o, d, s.bitrateBps(), s, s.publisher().transport());
        o.put("record", s.isRecording())
                .put("createDate", s.createdAtMillis())
                .put("mediaProvider", s.publisher().mediaProvider())
                .put("stats", new JsonObject()
                        .put("bytesIn", s.bytesIn())
                        .put("videoFrames", s.videoFrames())
                        .put("audioFrames", s.audioFrames())
                        .put("readers", s.readers().size()));
        return o;
    }

    static JsonObject player(StreamReader r, String nodeId) {
        Stream s = r.stream();
        JsonObject o = base(nodeId, r.info().appKey(), r.info().sessionId(), r.info().mediaSessionId(), s.name());
        o.put("published", false).put("mediaType", "play").put("status", r.isEnded() ? "STOPPED" : "PLAYING");
        media(o, s.description(), s.bitrateBps(), s, "TCP".equals(r.info().mediaProvider()) || "Flash".equals(r.info().mediaProvider()) ? "TCP" : "");
        o.put("record", false)
                .put("createDate", r.createdAtMillis())
                .put("mediaProvider", r.info().mediaProvider())
                .put("parentMediaSessionId", s.mediaSessionId())
                .put("stats", new JsonObject()
                        .put("bytesOut", r.deliveredBytes())
                        .put("framesOut", r.deliveredFrames())
                        .put("droppedFrames", r.droppedFrames())
                        .put("queuedFrames", r.queued()));
        return o;
    }

    static JsonObject connection(ClientConnection c, String nodeId) {
        // attributes first (what the client sent: custom, mediaProviders, ...), the server's own fields win
        return new JsonObject(new java.util.LinkedHashMap<>(c.attributes()))
                .put("nodeId", nodeId)
                .put("sessionId", c.sessionId())
                .put("appKey", c.appKey())
                .put("clientVersion", c.clientVersion())
                .put("mediaProvider", c.protocol().equals("RTMP") ? "Flash" : c.protocol())
                .put("protocol", c.protocol())
                .put("status", "ESTABLISHED")
                .put("createDate", c.createdAtMillis());
    }

    private static JsonObject base(String nodeId, String appKey, String sessionId, String mediaSessionId, String name) {
        return new JsonObject()
                .put("nodeId", nodeId)
                .put("appKey", appKey)
                .put("sessionId", sessionId)
                .put("mediaSessionId", mediaSessionId)
                .put("name", name);
    }

    /** A track that delivered nothing for {@link Stream#SILENT_AFTER_MS} counts as muted (the publisher stopped sending it). */
    private static boolean muted(long lastAtMillis) {
        return Stream.silent(lastAtMillis, System.currentTimeMillis());
    }

    private static void media(JsonObject o, MediaDescription d, long bitrateBps, Stream s, String transport) {
        o.put("hasVideo", d.hasVideo())
                .put("hasAudio", d.hasAudio())
                .put("videoCodec", name(d.videoCodec()))
                .put("audioCodec", audioName(d))
                .put("width", d.width())
                .put("height", d.height())
                .put("fps", (int) Math.round(d.fps()))
                .put("bitrate", (int) (bitrateBps / 1000))
                .put("minBitrate", 0)
                .put("maxBitrate", 0)
                .put("quality", 0)
                .put("gop", s.gopFrames())
                .put("audioBitrate", 0)
                .put("history", false)
                .put("transport", transport)
                .put("cvoExtension", false)
                .put("audioState", new JsonObject().put("muted", muted(s.lastAudioAtMillis())))
                .put("videoState", new JsonObject().put("muted", muted(s.lastVideoAtMillis())));
    }

    private static String name(Codec c) {
        return c == null ? null : c.apiName();
    }

    /** The reference names AAC "mpeg4-generic/rate/channels". */
    private static String audioName(MediaDescription d) {
        Codec c = d.audioCodec();
        if (c == null) {
            return null;
        }
        if (c == Codec.AAC && d.sampleRate() > 0) {
            return c.apiName() + "/" + d.sampleRate() + "/" + d.channels();
        }
        return c.apiName();
    }
}
