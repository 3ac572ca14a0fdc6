package org.estuary.verticles.push;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpUrl;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.WavAudio;

/**
 * Serves {@code /push/*}: creates, lists, controls and terminates {@link Transponder}s. Request
 * checks that block (DNS, reading sound files) run on worker threads; the transponder map is only
 * touched on this verticle's context.
 */
public final class PushVerticle extends VerticleBase {
    private final StreamRegistry streams;
    private final SoundFiles sounds;
    private final Map<String, Transponder> transponders = new LinkedHashMap<>();

    public PushVerticle(StreamRegistry streams, Path mediaDirectory) {
        this.streams = streams;
        this.sounds = new SoundFiles(mediaDirectory);
    }

    @Override
    public Future<?> start() {
        List<Future<Void>> regs = new ArrayList<>();
        on(regs, "/push/startup", this::startup);
        on(regs, "/push/find", (m, b) -> find(m, b, true));
        on(regs, "/push/find_all", (m, b) -> find(m, b, false));
        on(regs, "/push/terminate", (m, b) -> withTransponder(m, b, t -> {
            t.terminate("Stopped by rest /push/terminate");
            transponders.remove(t.id());
            m.reply(null);
        }));
        on(regs, "/push/mute", (m, b) -> withTransponder(m, b, t -> {
            t.mute(true);
            m.reply(t.toJson());
        }));
        on(regs, "/push/unmute", (m, b) -> withTransponder(m, b, t -> {
            t.mute(false);
            m.reply(t.toJson());
        }));
        on(regs, "/push/sound_on", (m, b) -> withTransponder(m, b, t ->
                loadSound(b.getString("soundFile")).onSuccess(wav -> {
                    t.soundOn(wav, bool(b.getValue("loop")));
                    m.reply(t.toJson());
                }).onFailure(e -> fail(m, e))));
        on(regs, "/push/sound_off", (m, b) -> withTransponder(m, b, t -> {
            t.soundOff();
            m.reply(t.toJson());
        }));
        return Future.all(regs);
    }

    @Override
    public Future<?> stop() {
        for (Transponder t : transponders.values()) {
            t.terminate("Server shutdown");
        }
        transponders.clear();
        return Future.succeededFuture();
    }

    private void on(List<Future<Void>> regs, String path, BiConsumer<Message<JsonObject>, JsonObject> h) {
        regs.add(vertx.eventBus().<JsonObject>consumer(Addresses.api(path),
                m -> h.accept(m, m.body() == null ? new JsonObject() : m.body())).completion());
    }

    // ---------------------------------------------------------------- startup

    private void startup(Message<JsonObject> m, JsonObject b) {
        String streamName = b.getString("streamName");
        String url = b.getString("rtmpUrl");
        if (url == null || url.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "rtmpUrl is missing");
            return;
        }
        if (streamName == null || streamName.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "streamName is missing");
            return;
        }
        RtmpClientParams target;
        try {
            target = targetOf(url, streamName, bool(b.getValue("rtmpTransponderFullUrl")));
        } catch (IllegalArgumentException e) {
            m.fail(ApiStatus.BAD_REQUEST, "Bad rtmpUrl: " + e.getMessage());
            return;
        }
        if (streams.find(streamName).isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + streamName);
            return;
        }
        if (duplicate(streamName, url)) {
            m.fail(ApiStatus.CONFLICT, "A transponder of " + streamName + " to " + url + " already exists");
            return;
        }
        JsonObject options = b.getJsonObject("options", new JsonObject());
        String action = options.getString("action");
        if (action != null && !action.equals("mute") && !action.equals("sound_on")) {
            m.fail(ApiStatus.BAD_REQUEST, "Unknown options.action '" + action + "' (expected mute or sound_on)");
            return;
        }
        String host = target.url().host();
        Future<Void> resolved = vertx.executeBlocking(() -> {
            try {
                InetAddress.getAllByName(host);
                return null;
            } catch (UnknownHostException e) {
                throw new ApiFailure(ApiStatus.BAD_REQUEST, "rtmpUrl host does not resolve: " + host);
            }
        });
        Future<WavAudio> sound = "sound_on".equals(action)
                ? resolved.compose(v -> loadSound(options.getString("soundFile")))
                : resolved.map(v -> null);
        sound.onSuccess(wav -> {
            if (duplicate(streamName, url)) { // another startup won the race while we resolved
                m.fail(ApiStatus.CONFLICT, "A transponder of " + streamName + " to " + url + " already exists");
                return;
            }
            Transponder t = new Transponder(vertx, context, streams, UUID.randomUUID().toString(), streamName, url,
                    target, options, new TransponderAudio());
            transponders.put(t.id(), t);
            if ("mute".equals(action)) {
                t.mute(true);
            } else if (wav != null) {
                t.soundOn(wav, bool(options.getValue("loop")));
            }
            t.start();
            m.reply(t.toJson());
        }).onFailure(e -> fail(m, e));
    }

    /**
     * The reference server appends {@code rtmp_<streamName>} to the URL; with
     * {@code rtmpTransponderFullUrl} the URL's last path element is the name.
     */
    static RtmpClientParams targetOf(String url, String streamName, boolean fullUrl) {
        if (fullUrl) {
            RtmpUrl u = RtmpUrl.parse(url);
            if (u.streamName() == null) {
                throw new IllegalArgumentException("rtmpTransponderFullUrl is true but " + url
                        + " has no stream name (expected rtmp://host/app/stream)");
            }
            return new RtmpClientParams(u, u.streamName());
        }
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q);
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        RtmpUrl u = RtmpUrl.parse(base + "/rtmp_" + streamName + query);
        return new RtmpClientParams(u, u.streamName());
    }

    private boolean duplicate(String streamName, String url) {
        return transponders.values().stream().anyMatch(t -> t.sourceName().equals(streamName) && t.rtmpUrl().equals(url));
    }

    private Future<WavAudio> loadSound(String soundFile) {
        return vertx.executeBlocking(() -> sounds.load(soundFile));
    }

    private static void fail(Message<JsonObject> m, Throwable e) {
        if (e instanceof ApiFailure f) {
            m.fail(f.status, f.getMessage());
        } else {
            m.fail(ApiStatus.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

    // ---------------------------------------------------------------- find / control

    private void find(Message<JsonObject> m, JsonObject b, boolean filtered) {
        String name = filtered ? b.getString("streamName") : null;
        String url = filtered ? b.getString("rtmpUrl") : null;
        JsonArray out = new JsonArray();
        for (Transponder t : transponders.values()) {
            boolean nameOk = name == null || name.equals(t.outputName()) || name.equals(t.sourceName());
            boolean urlOk = url == null || url.equals(t.rtmpUrl());
            if (nameOk && urlOk) {
                out.add(t.toJson());
            }
        }
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Transponder not found");
        } else {
            m.reply(out);
        }
    }

    private void withTransponder(Message<JsonObject> m, JsonObject b, java.util.function.Consumer<Transponder> action) {
        String id = b.getString("mediaSessionId");
        Transponder t = id == null ? null : transponders.get(id);
        if (t == null) {
            m.fail(ApiStatus.NOT_FOUND, "Transponder not found: " + id);
            return;
        }
        action.accept(t);
    }

    static boolean bool(Object v) {
        return v instanceof Boolean bo ? bo : v instanceof String s && s.equalsIgnoreCase("true");
    }
}
