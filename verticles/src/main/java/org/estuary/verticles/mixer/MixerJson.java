package org.estuary.verticles.mixer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.media.pipeline.NodeStats;

/** The REST view of a mixer ({@code /mixer/find_all}, {@code /mixer/startup}), kept out of the engine. */
final class MixerJson {
    private MixerJson() { }

    static JsonObject of(Mixer m) {
        MixerSettings s = m.settings();
        // WCS shapes mediaSessions as the inputs' mediaSessionIds; the details live under inputs
        JsonArray sessions = new JsonArray();
        JsonArray inputs = new JsonArray();
        for (MixerInput in : m.inputs()) {
            JsonObject detail = in.toJson();
            sessions.add(detail.getString("mediaSessionId"));
            inputs.add(detail);
        }
        return new JsonObject().put("uri", m.uri).put("localStreamName", m.localStreamName)
                .put("localMediaSessionId", m.mediaSessionId()).putNull("remoteMediaSessionId")
                .putNull("remoteStreamName").put("status", m.status().name()).put("hasVideo", m.hasVideo)
                .put("hasAudio", m.hasAudio).put("record", false).put("mixerLayoutClass", s.layoutName())
                .put("mixerLayoutDir", s.layout() instanceof XmlLayoutFolder f ? f.name : "")
                .put("mixerVideoWidth", s.width()).put("mixerVideoHeight", s.height()).put("mixerVideoFps", s.fps())
                .put("mixerVideoBitrateKbps", s.bitrateKbps()).put("background", m.background().description())
                .put("watermark", m.watermarkName()).put("mixerAutoCreated", m.automatic).put("mediaSessions", sessions)
                .put("inputs", inputs)
                .put("stats", stats(m.counters()).put("pipeline", nodes(m.pipelineStats())));
    }

    /** The graph's nodes in order with their counters: {name, framesIn, framesOut, dropped}. */
    static JsonArray nodes(List<NodeStats> stats) {
        JsonArray nodes = new JsonArray();
        for (NodeStats n : stats) {
            nodes.add(new JsonObject().put("name", n.name()).put("framesIn", n.framesIn())
                    .put("framesOut", n.framesOut()).put("dropped", n.dropped()));
        }
        return nodes;
    }

    /**
     * Output counters and the worker's load: {@code busyRatio} is the share of wall time the worker
     * was not waiting for its clock, i.e. the real-time factor of mixing (1.0 = just keeping up).
     */
    static JsonObject stats(Mixer.Counters c) {
        long wall = Math.max(1, System.nanoTime() - c.startedAtNanos());
        long busy = Math.max(0, wall - c.parkedNanos());
        return new JsonObject().put("videoFramesOut", c.videoFramesOut()).put("audioFramesOut", c.audioFramesOut())
                .put("skippedVideoFrames", c.skippedFrames()).put("uptimeMs", wall / 1_000_000)
                .put("busyMs", busy / 1_000_000).put("busyRatio", Math.round(busy * 1000.0 / wall) / 1000.0);
    }
}
