package org.estuary.verticles.mixer;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.estuary.core.config.MixerConfig;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.MediaException;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.estuary.verticles.agent.MediaFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /mixer/*}. The map of mixers lives on this verticle's context; images are read
 * off the event loop; each {@link Mixer} does its media work on its own thread. Also does the
 * name-driven mixing ({@code user#room}) through a registry listener, and the load test.
 */
public final class MixerVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxMixers and the like); call before deployment. */
    public MixerVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MixerVerticle.class);

    private final StreamRegistry streams;
    private final MixerConfig config;
    private final MediaFiles files;
    private final MediaFiles layoutFolders;
    private XmlLayoutFolder defaultLayouts;
    private final Map<String, Mixer> mixers = new LinkedHashMap<>();
    private final MixerLoadTest loadTest = new MixerLoadTest(this);
    private StreamListener autoMixing;
    private MixerBackground defaultBackground;

    public MixerVerticle(StreamRegistry streams, MixerConfig config, Path mediaDirectory) {
        this.streams = streams;
        this.config = config;
        this.files = new MediaFiles(mediaDirectory);
        this.layoutFolders = new MediaFiles(Path.of(config.layoutsDirectory()));
    }

    @Override
    public Future<?> start() {
        Control api = new Control(vertx, LOG);
        api.on("/mixer/startup", this::startup);
        api.on("/mixer/add", this::add);
        api.on("/mixer/remove", this::remove);
        api.on("/mixer/find_all", (m, b) ->
                Find.reply(m, mixers.values().stream().map(Mixer::toJson).toList(), "No mixers"));
        api.on("/mixer/terminate", this::terminate);
        api.on("/mixer/setAudioVideo", this::setAudioVideo);
        api.on("/mixer/set_body_watermark", this::setBodyWatermark);
        api.on("/mixer/set_stream_watermark", this::setStreamWatermark);
        api.on("/mixer/set_parameter", this::setParameter);
        api.on("/mixer/test/start", (m, b) -> loadTest.start(m));
        api.on("/mixer/test/stop", (m, b) -> loadTest.stop(m));
        api.on("/mixer/test/get_start_example", (m, b) -> m.reply(MixerLoadTest.example()));
        if (config.autoStart()) {
            autoMixing = new RoomAutoMixer(this, context);
            streams.addListener(autoMixing);
        }
        // the configured background may be an image file: read it once, off the event loop
        Future<Void> bg = vertx.executeBlocking(() -> background(null)).onSuccess(b -> defaultBackground = b).mapEmpty();
        // mixer.layoutDir: a broken folder must not stop the server; mixers then use mixer.layout
        Future<Void> xml = config.layoutDir().isBlank() ? Future.succeededFuture()
                : vertx.executeBlocking(() -> loadLayouts(config.layoutDir(), classLayout()))
                        .onSuccess(f -> defaultLayouts = f)
                        .onFailure(e -> LOG.error("mixer.layoutDir {} not used (mixers use mixer.layout {}): {}",
                                config.layoutDir(), config.layout(), e.getMessage()))
                        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
        return api.ready().compose(v -> bg).compose(v -> xml);
    }

    /** The configured background, read at start (auto-created and load-test mixers use it). */
    MixerBackground defaultBackground() {
        return defaultBackground;
    }

    @Override
    public Future<?> stop() {
        if (autoMixing != null) {
            streams.removeListener(autoMixing);
        }
        loadTest.cancel();
        for (Mixer m : List.copyOf(mixers.values())) {
            m.terminate("Server shutdown");
        }
        mixers.clear();
        return Future.succeededFuture();
    }

    // ---- startup / terminate ----

    private void startup(Message<JsonObject> m, Body body) {
        checkMixerLimit();
        JsonObject b = body.json();
        String uri = b.getString("uri");
        String name = MixerRequests.mixerName(uri);
        String local = b.getString("localStreamName");
        String output = local == null || local.isBlank() ? name : local;
        MixerSettings settings = settingsFrom(b, defaultSettings());
        String bg = b.getString("background");
        String wm = b.getString("watermark");
        boolean hasVideo = MixerRequests.bool(b.getValue("hasVideo"), true);
        boolean hasAudio = MixerRequests.bool(b.getValue("hasAudio"), true);
        if (!hasVideo && !hasAudio) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "hasVideo and hasAudio are both false: nothing to mix");
        }
        checkFree(uri, output);
        Object layoutDir = b.getValue("mixerLayoutDir");
        MixerSettings base = settings;
        // images and layout files come from files: read them off the event loop, then create on this context
        vertx.<Object[]>executeBlocking(() -> new Object[] {background(bg), wm == null || wm.isBlank() ? null
                : new PlacedWatermark(readImage(wm), WatermarkPlacement.TOP_LEFT), withLayoutDir(base, layoutDir)})
            .onComplete(ar -> {
                try {
                    if (ar.failed()) {
                        throw ar.cause() instanceof ControlError e ? e
                                : new ControlError(ApiStatus.INTERNAL, ar.cause().getMessage());
                    }
                    Mixer mixer = create(uri, output, hasVideo, hasAudio, false, (MixerSettings) ar.result()[2],
                            (MixerBackground) ar.result()[0], (PlacedWatermark) ar.result()[1], wm);
                    m.reply(mixer.toJson());
                } catch (ControlError e) {
                    m.fail(e.status(), e.getMessage());
                }
            });
    }

    /** limits.maxMixers, for mixers from /mixer/startup and rooms alike: 503 naming the key past it. */
    void checkMixerLimit() {
        AgentLimit.check(limits, Limit.MIXERS, mixers.size());
    }

    private void checkFree(String uri, String output) {
        if (mixers.containsKey(uri)) {
            throw new ControlError(ApiStatus.CONFLICT, "Mixer already exists: " + uri);
        }
        if (streams.find(output).isPresent()) {
            throw new ControlError(ApiStatus.CONFLICT, "Stream name is in use: " + output);
        }
    }

    /** Creates and starts a mixer (on this context). */
    Mixer create(String uri, String output, boolean hasVideo, boolean hasAudio, boolean automatic,
                 MixerSettings settings, MixerBackground background, PlacedWatermark watermark, String watermarkName) {
        checkFree(uri, output);
        if (output.contains("#")) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "localStreamName must not contain '#': " + output);
        }
        Stream out;
        try {
            out = streams.publish(output, new PublisherInfo(UUID.randomUUID().toString(), "", "Mixer", Map.of()),
                    Long.MAX_VALUE);
        } catch (NameInUseException e) {
            throw new ControlError(ApiStatus.CONFLICT, "Stream name is in use: " + output);
        }
        Mixer mixer = new Mixer(uri, output, hasVideo, hasAudio, automatic, streams, out, settings, background,
                watermark, watermarkName, config);
        mixers.put(uri, mixer);
        mixer.start(ended -> context.runOnContext(v -> mixers.remove(ended.uri, ended)));
        LOG.info("Mixer {} started: output {} {}x{}@{}", uri, output, settings.width(), settings.height(), settings.fps());
        return mixer;
    }

    private void terminate(Message<JsonObject> m, Body b) {
        Mixer mixer = mixer(b.string("uri"));
        terminate(mixer, "Stopped by rest /mixer/terminate");
        m.reply(null);
    }

    void terminate(Mixer mixer, String reason) {
        mixers.remove(mixer.uri, mixer);
        mixer.terminate(reason);
    }

    Mixer mixer(String uri) {
        Mixer mixer = uri == null ? null : mixers.get(uri);
        if (mixer == null) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Mixer not found: " + uri);
        }
        return mixer;
    }

    // ---- inputs ----

    private void add(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        String name = b.getString("remoteStreamName");
        boolean video = MixerRequests.bool(b.getValue("hasVideo"), true);
        boolean audio = MixerRequests.bool(b.getValue("hasAudio"), true);
        String label = body.string("streamLabel");
        if (label != null && label.length() > TileLabel.MAX_LENGTH) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "streamLabel is longer than " + TileLabel.MAX_LENGTH + " characters");
        }
        String avatar = body.string("avatar");
        String position = positionId(mixer, b.getValue("videoPositionId"));
        checkAddable(mixer, name);
        if (avatar == null || avatar.isBlank()) {
            MixerInput in = addInput(mixer, name, video, audio, false);
            in.setLabel(label);
            in.setPositionId(position);
            m.reply(null);
            return;
        }
        if (avatar.contains("://")) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "avatar must name a PNG file in the media directory, not a URL: "
                    + avatar);
        }
        // the picture comes from a file: read it off the event loop, then add on this context
        vertx.executeBlocking(() -> TileImage.fromPng(readFile(avatar))).onComplete(ar -> {
            try {
                if (ar.failed()) {
                    throw ar.cause() instanceof ControlError e ? e
                            : new ControlError(ApiStatus.BAD_REQUEST, "avatar " + avatar + ": " + ar.cause().getMessage());
                }
                MixerInput in = addInput(mixer, name, video, audio, false);
                in.setLabel(label);
                in.setPositionId(position);
                in.setAvatar(ar.result());
                m.reply(null);
            } catch (ControlError e) {
                m.fail(e.status(), e.getMessage());
            }
        });
    }

    /** A {@code videoPositionId}: null when absent; 400 unless the mixer's XML layout has a video with that id. */
    private static String positionId(Mixer mixer, Object value) {
        if (value == null || value instanceof String s && s.isEmpty()) {
            return null;
        }
        if (!(value instanceof String id) || id.length() > 128) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "videoPositionId must be a string of 1..128 characters");
        }
        if (!(mixer.settings().layout() instanceof XmlLayoutFolder f)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "videoPositionId " + id + " needs an XML layout: "
                    + mixer.uri + " has none (mixerLayoutDir)");
        }
        if (!f.hasPosition(id)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "videoPositionId " + id + ": no <video id=\"" + id
                    + "\"> in layout folder " + f.name);
        }
        return id;
    }

    /** The checks of {@link #addInput}, for answering before slow work (reading an avatar). */
    private void checkAddable(Mixer mixer, String name) {
        if (name == null || name.isBlank()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "remoteStreamName is empty");
        }
        if (name.equals(mixer.localStreamName)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "A mixer cannot mix its own output: " + name);
        }
        if (streams.find(name).isEmpty()) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Stream not found: " + name);
        }
        if (mixer.find(name) != null) {
            throw new ControlError(ApiStatus.CONFLICT, "Stream " + name + " is already in " + mixer.uri);
        }
    }

    MixerInput addInput(Mixer mixer, String name, boolean video, boolean audio, boolean automatic) {
        checkAddable(mixer, name);
        MixerInput in = new MixerInput(name, video && mixer.hasVideo, audio && mixer.hasAudio, automatic,
                Mixer.AUDIO_RATE, Mixer.AUDIO_CHANNELS);
        mixer.add(in);
        return in;
    }

    private void remove(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        String name = b.getString("remoteStreamName");
        MixerInput in = mixer.find(name);
        if (in == null) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Stream not found in " + mixer.uri + ": " + name);
        }
        mixer.remove(in);
        m.reply(null);
    }

    private void setAudioVideo(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        boolean level = b.getValue("audioLevel") != null;
        boolean mute = b.getValue("videoMuted") != null;
        if (!level && !mute) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "Give audioLevel and/or videoMuted");
        }
        int audioLevel = MixerRequests.integer(b, "audioLevel", 100);
        if (audioLevel < 0 || audioLevel > 100) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "audioLevel must be within 0..100 (percent), got " + audioLevel);
        }
        List<MixerInput> chosen = MixerRequests.select(mixer, b.getValue("streams"));
        if (chosen.isEmpty()) {
            throw new ControlError(ApiStatus.NOT_FOUND, "No input of " + mixer.uri + " matches streams "
                    + b.getValue("streams"));
        }
        for (MixerInput in : chosen) {
            if (level) {
                in.setAudioLevel(audioLevel);
            }
            if (mute) {
                in.setVideoMuted(MixerRequests.bool(b.getValue("videoMuted"), false));
            }
        }
        m.reply(null);
    }

    // ---- watermarks and parameters ----

    private void setBodyWatermark(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        WatermarkPlacement where = MixerRequests.placement(b);
        String file = b.getString("watermark");
        withImage(m, file, img -> mixer.setBodyWatermark(img == null ? null : new PlacedWatermark(img, where)));
    }

    private void setStreamWatermark(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        String session = b.getString("mediaSessionId");
        if (session == null || session.isBlank()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mediaSessionId is required: the input to mark");
        }
        MixerInput in = mixer.findBySession(session);
        if (in == null) {
            throw new ControlError(ApiStatus.NOT_FOUND, "No input of " + mixer.uri + " has mediaSessionId " + session);
        }
        WatermarkPlacement where = MixerRequests.placement(b);
        withImage(m, b.getString("watermark"), img -> in.setWatermark(img == null ? null : new PlacedWatermark(img, where)));
    }

    /** Reads the image (none = remove) off the event loop, applies it, answers. */
    private void withImage(Message<JsonObject> m, String file, Consumer<Watermark> apply) {
        if (file == null || file.isBlank()) {
            apply.accept(null);
            m.reply(null);
            return;
        }
        vertx.executeBlocking(() -> readImage(file)).onComplete(ar -> {
            if (ar.failed()) {
                m.fail(ar.cause() instanceof ControlError e ? e.status() : ApiStatus.INTERNAL,
                        ar.cause().getMessage());
                return;
            }
            apply.accept(ar.result());
            m.reply(null);
        });
    }

    private void setParameter(Message<JsonObject> m, Body body) {
        JsonObject b = body.json();
        Mixer mixer = mixer(b.getString("uri"));
        boolean any = false;
        for (String k : List.of("mixerLayoutClass", "mixerVideoWidth", "mixerVideoHeight", "mixerVideoFps",
                "mixerVideoBitrateKbps", "mixerLayoutDir")) {
            any |= b.containsKey(k);
        }
        if (!any) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "Nothing to change: give mixerLayoutClass, mixerLayoutDir,"
                    + " mixerVideoWidth, mixerVideoHeight, mixerVideoFps or mixerVideoBitrateKbps");
        }
        MixerSettings s = settingsFrom(b, mixer.settings());
        if (!b.containsKey("mixerLayoutDir")) {
            mixer.setSettings(s);
            m.reply(null);
            return;
        }
        // a layout folder is read and checked off the event loop; "" = back to mixerLayoutClass
        Object dir = b.getValue("mixerLayoutDir");
        vertx.executeBlocking(() -> withLayoutDir(s, dir)).onComplete(ar -> {
            if (ar.failed()) {
                m.fail(ar.cause() instanceof ControlError e ? e.status() : ApiStatus.INTERNAL, ar.cause().getMessage());
                return;
            }
            mixer.setSettings(ar.result());
            m.reply(null);
        });
    }

    /**
     * Blocking: {@code s} with the XML layout folder {@code dir} ("" = none: the mixerLayoutClass
     * layout alone; null = keep {@code s}'s layout).
     */
    private MixerSettings withLayoutDir(MixerSettings s, Object dir) {
        if (dir == null) {
            return s;
        }
        MixerLayout classLayout = s.layout() instanceof XmlLayoutFolder f ? f.fallback : s.layout();
        if (!(dir instanceof String name)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mixerLayoutDir must be a string (a folder name)");
        }
        if (name.isBlank()) {
            return s.with(s.layoutName(), classLayout, s.width(), s.height(), s.fps(), s.bitrateKbps());
        }
        return s.with(s.layoutName(), loadLayouts(name, classLayout), s.width(), s.height(), s.fps(), s.bitrateKbps());
    }

    /** The mixerLayoutClass (configured) layout, without XML. */
    private MixerLayout classLayout() {
        MixerLayout layout = MixerLayouts.byName(config.layout(), config.desktopKeyword());
        return layout == null ? MixerLayouts.grid() : layout;
    }

    /**
     * Blocking: the layout folder {@code name} inside mixer.layoutsDirectory, every file checked.
     * 400 for a name outside it or a broken file (naming file and line), 404 for a missing folder.
     */
    private XmlLayoutFolder loadLayouts(String name, MixerLayout fallback) {
        Path dir = layoutFolder(name);
        try {
            return XmlLayoutFolder.load(dir, name, config.desktopKeyword(), fallback);
        } catch (XmlLayoutParser.BadLayout e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mixerLayoutDir " + name + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ControlError(ApiStatus.INTERNAL, "mixerLayoutDir " + name + ": cannot read: " + e);
        }
    }

    /** The folder for a mixerLayoutDir: a name inside mixer.layoutsDirectory, or an absolute path inside it (WCS style). */
    private Path layoutFolder(String name) {
        String relative = name;
        try {
            Path given = Path.of(name);
            if (given.isAbsolute()) {
                Path n = given.normalize();
                if (!n.startsWith(layoutFolders.root())) {
                    throw new ControlError(ApiStatus.BAD_REQUEST, "mixerLayoutDir " + name
                            + " is outside mixer.layoutsDirectory: name a folder inside it");
                }
                relative = layoutFolders.root().relativize(n).toString();
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mixerLayoutDir " + name + " is not a folder name");
        }
        Path p;
        try {
            p = layoutFolders.resolve(relative);
        } catch (MediaFiles.BadNameException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mixerLayoutDir " + name
                    + " must name a folder inside mixer.layoutsDirectory");
        }
        if (!Files.isDirectory(p)) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Layout folder not found in mixer.layoutsDirectory: " + name);
        }
        return p;
    }

    // ---- settings and images ----

    MixerSettings defaultSettings() {
        MixerLayout layout = defaultLayouts != null ? defaultLayouts : classLayout();
        return new MixerSettings(config.layout(), layout, config.videoWidth(),
                config.videoHeight(), config.videoFps(), config.videoBitrateKbps());
    }

    private MixerSettings settingsFrom(JsonObject b, MixerSettings base) {
        String layoutName = base.layoutName();
        MixerLayout layout = base.layout();
        Object lc = b.getValue("mixerLayoutClass");
        if (lc != null) {
            layout = MixerLayouts.byName(lc.toString(), config.desktopKeyword());
            if (layout == null) {
                throw new ControlError(ApiStatus.BAD_REQUEST, "Unknown mixerLayoutClass " + lc
                        + ": use grid, center, desktop or GridLayout, CenterNoPaddingGridLayout, DesktopLayout");
            }
            layoutName = lc.toString();
        }
        MixerSettings s = base.with(layoutName, layout, MixerRequests.integer(b, "mixerVideoWidth", base.width()),
                MixerRequests.integer(b, "mixerVideoHeight", base.height()), MixerRequests.integer(b, "mixerVideoFps", base.fps()),
                MixerRequests.integer(b, "mixerVideoBitrateKbps", base.bitrateKbps()));
        String problem = s.problem();
        if (problem != null) {
            throw new ControlError(ApiStatus.BAD_REQUEST, problem);
        }
        return s;
    }

    /** Blocking: a colour ("#RRGGBB") or an image file from the media directory. */
    MixerBackground background(String value) {
        String v = value == null || value.isBlank() ? config.background() : value;
        int rgb = MixerBackground.parseColour(v);
        if (rgb >= 0) {
            return MixerBackground.colour(v, rgb);
        }
        return MixerBackground.image(v, readImage(v));
    }

    /** Blocking: a PNG from the media directory. */
    private Watermark readImage(String name) {
        try {
            return Watermark.fromPng(readFile(name));
        } catch (MediaException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, name + ": " + e.getMessage());
        }
    }

    /** Blocking: the bytes of a file in the media directory; 400 for names outside it, 404 when missing. */
    private byte[] readFile(String name) {
        Path p;
        try {
            p = files.resolve(name);
        } catch (MediaFiles.BadNameException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, e.getMessage());
        }
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Image not found in the media directory: " + name);
        } catch (IOException e) {
            throw new ControlError(ApiStatus.INTERNAL, "Cannot read " + name + ": " + e.getMessage());
        }
    }

    // ---- for the load test and room auto-mixing ----

    StreamRegistry streams() { return streams; }
    Map<String, Mixer> mixers() { return mixers; }
    io.vertx.core.Vertx vertxInstance() { return vertx; }
}
