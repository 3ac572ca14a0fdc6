package org.estuary.verticles.pull;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.stream.StreamRegistry;

/** Serves {@code /pull/rtmp/*}: one {@link PullAgent} per remote URI, all on this verticle's context. */
public final class PullRtmpVerticle extends VerticleBase {
    private final StreamRegistry streams;
    private final long publishIdleMs;
    private final Map<String, PullAgent> agents = new LinkedHashMap<>();

    public PullRtmpVerticle(StreamRegistry streams, long publishIdleMs) {
        this.streams = streams;
        this.publishIdleMs = publishIdleMs;
    }

    @Override
    public Future<?> start() {
        var bus = vertx.eventBus();
        List<Future<Void>> regs = new ArrayList<>();
        regs.add(bus.<JsonObject>consumer(Addresses.api("/pull/rtmp/pull"), this::pull).completion());
        regs.add(bus.<JsonObject>consumer(Addresses.api("/pull/rtmp/find_all"), this::findAll).completion());
        regs.add(bus.<JsonObject>consumer(Addresses.api("/pull/rtmp/terminate"), this::terminate).completion());
        return Future.all(regs);
    }

    @Override
    public Future<?> stop() {
        agents.values().forEach(a -> a.terminate("Server shutdown"));
        agents.clear();
        return Future.succeededFuture();
    }

    private void pull(Message<JsonObject> m) {
        JsonObject b = body(m);
        String uri = b.getString("uri");
        RtmpClientParams source;
        try {
            source = RtmpClientParams.of(uri);
        } catch (IllegalArgumentException e) {
            m.fail(ApiStatus.BAD_REQUEST, "Bad uri: " + e.getMessage());
            return;
        }
        if (agents.containsKey(uri)) {
            m.fail(ApiStatus.CONFLICT, "Already pulling " + uri);
            return;
        }
        String local = b.getString("localStreamName");
        if (local == null || local.isBlank()) {
            local = uri; // the reference behaviour: the stream is named after the URI
        }
        String name = local;
        if (streams.find(name).isPresent() || agents.values().stream().anyMatch(a -> a.localName().equals(name))) {
            m.fail(ApiStatus.CONFLICT, "Local stream name is in use: " + name);
            return;
        }
        boolean hasAudio = bool(b.getValue("hasAudio"), true);
        boolean hasVideo = bool(b.getValue("hasVideo"), true);
        if (!hasAudio && !hasVideo) {
            m.fail(ApiStatus.BAD_REQUEST, "hasAudio and hasVideo are both false: nothing to pull");
            return;
        }
        PullAgent a = new PullAgent(vertx, context, streams, uri, source, name, hasAudio, hasVideo,
                bool(b.getValue("record"), false), publishIdleMs);
        agents.put(uri, a);
        a.start();
        m.reply(a.toJson());
    }

    private void findAll(Message<JsonObject> m) {
        if (agents.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "No RTMP pull agents");
            return;
        }
        JsonArray out = new JsonArray();
        agents.values().forEach(a -> out.add(a.toJson()));
        m.reply(out);
    }

    private void terminate(Message<JsonObject> m) {
        String uri = body(m).getString("uri");
        PullAgent a = uri == null ? null : agents.remove(uri);
        if (a == null) {
            m.fail(ApiStatus.NOT_FOUND, "Not pulling " + uri);
            return;
        }
        a.terminate("Stopped by rest /pull/rtmp/terminate");
        m.reply(null);
    }

    private static JsonObject body(Message<JsonObject> m) {
        return m.body() == null ? new JsonObject() : m.body();
    }

    static boolean bool(Object v, boolean dflt) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s.equalsIgnoreCase("true");
        }
        return dflt;
    }
}
