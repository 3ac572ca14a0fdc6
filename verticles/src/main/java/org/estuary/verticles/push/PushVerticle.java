package org.estuary.verticles.push;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.estuary.core.config.PushConfig;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpUrl;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.WavAudio;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /push/*}: creates, lists, controls and terminates {@link Transponder}s. Request
 * checks that block (DNS, reading sound files) run on worker threads; the transponder map is only
 * touched on this verticle's context.
 */
public final class PushVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxPushAgents and the like); call before deployment. */
    public PushVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
    private final StreamRegistry streams;
    private final SoundFiles sounds;
    private final PushConfig config;
    private final Map<String, Transponder> transponders = new LinkedHashMap<>();

    public PushVerticle(StreamRegistry streams, Path mediaDirectory, PushConfig config) {
        this.streams = streams;
        this.config = config;
        this.sounds = new SoundFiles(mediaDirectory);
    }

    @Override
    public Future<?> start() {
        Control api = new Control(vertx, LOG);
        api.on("/push/startup", this::startup);
        api.on("/push/find", (m, b) -> find(m, b, true));
        api.on("/push/find_all", (m, b) -> find(m, b, false));
        api.on("/push/terminate", (m, b) -> {
            Transponder t = transponder(b);
            t.terminate("Stopped by rest /push/terminate");
            transponders.remove(t.id());
            m.reply(null);
        });
        api.on("/push/mute", (m, b) -> {
            Transponder t = transponder(b);
            t.mute(true);
            m.reply(t.toJson());
        });
        api.on("/push/unmute", (m, b) -> {
            Transponder t = transponder(b);
            t.mute(false);
            m.reply(t.toJson());
        });
        api.on("/push/sound_on", (m, b) -> {
            Transponder t = transponder(b);
            loadSound(b.string("soundFile")).onSuccess(wav -> {
                t.soundOn(wav, b.bool("loop", false));
                m.reply(t.toJson());
            }).onFailure(e -> ControlError.reply(m, e));
        });
        api.on("/push/sound_off", (m, b) -> {
            Transponder t = transponder(b);
            t.soundOff();
            m.reply(t.toJson());
        });
        return api.ready();
    }

    @Override
    public Future<?> stop() {
        for (Transponder t : transponders.values()) {
            t.terminate("Server shutdown");
        }
        transponders.clear();
        return Future.succeededFuture();
    }

    // ---------------------------------------------------------------- startup

    private void startup(Message<JsonObject> m, Body body) {
        AgentLimit.check(limits, Limit.PUSH_AGENTS, transponders.size());
        JsonObject b = body.json();
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
            target = targetOf(url, streamName, body.bool("rtmpTransponderFullUrl", false));
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
                throw ControlError.badRequest("rtmpUrl host does not resolve: " + host);
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
                    target, options, new TransponderAudio(config.audioBitrate()), config);
            transponders.put(t.id(), t);
            if ("mute".equals(action)) {
                t.mute(true);
            } else if (wav != null) {
                t.soundOn(wav, Body.bool(options.getValue("loop"), false));
            }
            t.start();
            m.reply(t.toJson());
        }).onFailure(e -> ControlError.reply(m, e));
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

    // ---------------------------------------------------------------- find / control

    private void find(Message<JsonObject> m, Body q, boolean filtered) {
        String name = filtered ? q.string("streamName") : null;
        String url = filtered ? q.string("rtmpUrl") : null;
        List<JsonObject> out = new ArrayList<>();
        for (Transponder t : transponders.values()) {
            boolean nameOk = name == null || name.equals(t.outputName()) || name.equals(t.sourceName());
            boolean urlOk = url == null || url.equals(t.rtmpUrl());
            if (nameOk && urlOk) {
                out.add(t.toJson());
            }
        }
        Find.reply(m, out, "Transponder not found");
    }

    private Transponder transponder(Body b) {
        String id = b.string("mediaSessionId");
        Transponder t = id == null ? null : transponders.get(id);
        if (t == null) {
            throw ControlError.notFound("Transponder not found: " + id);
        }
        return t;
    }
}
