package org.estuary.verticles.push;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutorService;
import org.estuary.core.config.PushConfig;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.AgentThreads;
import org.estuary.verticles.agent.Reconnector;
import org.estuary.verticles.rtmpclient.RtmpClientConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-publishes one local stream to an RTMP URL. Control (connect, reconnect, source attach) runs
 * on the push verticle's context; the media path (drain, audio mute/injection, which calls FFmpeg)
 * runs on a single worker thread the transponder owns, so no codec work happens on an event loop.
 *
 * <p>It starts from a keyframe (a new hub reader begins with the config frames and the cached
 * GOP), survives the target dropping (reconnect with backoff) and the source being re-published
 * (waits for the name, re-attaches, keeps outgoing timestamps continuous).
 */
final class Transponder {
    private static final Logger LOG = LoggerFactory.getLogger(Transponder.class);

    private final Vertx vertx;
    private final Context ctx;
    private final String id;
    private final String sourceName;
    private final String rtmpUrl;
    private final RtmpClientParams target;
    private final JsonObject options;
    private final long createdAt = System.currentTimeMillis();
    private final ExecutorService worker;
    private final Reconnector reconnect;
    private final StreamFollower follower;
    // worker-thread state
    private final OutputTimestamps times = new OutputTimestamps();
    private final TransponderAudio audio;

    private volatile TransponderStatus status = TransponderStatus.PENDING;
    private volatile String info = "";
    private volatile boolean muted;
    private volatile boolean soundEnabled;
    private volatile int width;
    private volatile int height;
    private volatile RtmpClientConnection client;

    Transponder(Vertx vertx, Context ctx, StreamRegistry registry, String id, String sourceName, String rtmpUrl,
                RtmpClientParams target, JsonObject options, TransponderAudio audio, PushConfig config) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.id = id;
        this.sourceName = sourceName;
        this.rtmpUrl = rtmpUrl;
        this.target = target;
        this.options = options == null ? new JsonObject() : options;
        this.audio = audio;
        this.worker = AgentThreads.worker("push-" + sourceName + "-" + id.substring(0, 8));
        this.reconnect = new Reconnector(vertx, this::connect, config.reconnectFirstMs(), config.reconnectMaxMs());
        this.follower = StreamFollower.of(registry, sourceName)
                .owner(AgentThreads.on(ctx))
                .reader(s -> ReaderInfo.internal(id, "Transponder"))
                .onPublished(this::onSource)
                .onUnpublished(this::onSourceEnded)
                .drainOn(worker, new Media())
                .build();
    }

    String id() { return id; }
    String sourceName() { return sourceName; }
    String rtmpUrl() { return rtmpUrl; }
    String outputName() { return target.streamName(); }
    TransponderStatus status() { return status; }

    // ---------------------------------------------------------------- control (context)

    void start() {
        connect();
    }

    private void connect() {
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        RtmpClientConnection c = new RtmpClientConnection(vertx, target, RtmpClientConnection.Role.PUBLISH, new Events());
        c.onWritable(follower::wake);
        client = c;
        c.connect();
    }

    private final class Events implements RtmpClientConnection.Listener {
        @Override
        public void onStarted() {
            reconnect.started();
            info = "";
            if (status != TransponderStatus.STOPPED) {
                status = TransponderStatus.PENDING;
                follower.start();
            }
        }

        @Override
        public void onClosed(String reason, boolean refused) {
            follower.stop();
            client = null;
            if (status == TransponderStatus.STOPPED) {
                return;
            }
            Reconnector.Decision d = reconnect.closed(reason, refused, "target");
            info = d.info();
            if (d.giveUp()) {
                status = TransponderStatus.FAILED;
                LOG.info("Transponder {} {} -> {} FAILED: {}", id, sourceName, target.redacted(), info);
                return;
            }
            status = TransponderStatus.RECONNECTING;
            long delay = reconnect.retry();
            LOG.info("Transponder {} {} -> {}: {}; reconnecting in {} ms", id, sourceName, target.redacted(), reason, delay);
        }
    }

    private void onSource(StreamReader r) {
        MediaDescription d = r.stream().description();
        width = d.width();
        height = d.height();
        r.onTerminate(() -> ctx.runOnContext(v -> terminate("Stopped by rest /terminate")));
        status = TransponderStatus.PUBLISHING;
        LOG.info("Transponder {}: {} ({}) -> {}", id, sourceName, r.stream().mediaSessionId(), target.redacted());
    }

    private void onSourceEnded(Stream s, String reason) {
        status = TransponderStatus.PENDING;
        info = sourceName + " unpublished (" + reason + "); waiting for it to be published again";
        LOG.info("Transponder {}: {}", id, info);
    }

    /** Context: stops everything; the worker frees the codecs and ends. */
    void terminate(String reason) {
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        status = TransponderStatus.STOPPED;
        info = reason;
        reconnect.stop();
        follower.stop();
        RtmpClientConnection c = client;
        client = null;
        if (c != null) {
            c.close(reason);
        }
        AgentThreads.finish(worker, audio::close);
        LOG.info("Transponder {} {} -> {} stopped: {}", id, sourceName, target.redacted(), reason);
    }

    // ---------------------------------------------------------------- audio control (any thread)

    void mute(boolean on) {
        muted = on;
        worker.execute(() -> audio.setMuted(on));
    }

    void soundOn(org.estuary.media.audio.WavAudio wav, boolean loop) {
        soundEnabled = true;
        worker.execute(() -> audio.soundOn(wav, loop, () -> soundEnabled = false));
    }

    void soundOff() {
        soundEnabled = false;
        worker.execute(audio::soundOff);
    }

    // ---------------------------------------------------------------- media (worker)

    /** The worker's side of the follower: frames go out while the target connection has room. */
    private final class Media implements FrameSink {
        @Override
        public void sourceChanged(Stream source) {
            times.rebase();   // a republished source restarts its clock: keep ours rising
        }

        @Override
        public boolean wants() {
            RtmpClientConnection c = client;
            return c != null && c.writable();
        }

        @Override
        public void frame(Frame f, Stream source) {
            RtmpClientConnection c = client;
            if (c == null) {
                return;
            }
            try {
                MediaDescription d = source.description();
                Frame out = f.isAudio() ? audio.apply(f, d) : f;
                if (out != null) {
                    c.sendFrame(times.map(out), d);
                }
            } catch (RuntimeException e) {
                LOG.warn("Transponder {}: media error", id, e);
            }
        }
    }

    // ---------------------------------------------------------------- REST

    JsonObject toJson() {
        StreamReader r = follower.reader();
        if (r != null) { // the source may have described itself after we attached
            width = r.stream().description().width();
            height = r.stream().description().height();
        }
        return new JsonObject()
                .put("mediaSessionId", id)
                .put("streamName", target.streamName())
                .put("localStreamName", sourceName)
                .put("rtmpUrl", rtmpUrl)
                .put("width", width)
                .put("height", height)
                .put("muted", muted)
                .put("soundEnabled", soundEnabled)
                .put("options", options)
                .put("status", status.name())
                .put("info", info)
                .put("createDate", createdAt);
    }
}
