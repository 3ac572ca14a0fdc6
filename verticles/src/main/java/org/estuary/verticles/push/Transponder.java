package org.estuary.verticles.push;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.ReconnectBackoff;
import org.estuary.verticles.rtmp.RtmpClientConnection;
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
    private final StreamRegistry registry;
    private final String id;
    private final String sourceName;
    private final String rtmpUrl;
    private final RtmpClientParams target;
    private final JsonObject options;
    private final long createdAt = System.currentTimeMillis();
    private final ExecutorService worker;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    // worker-thread state
    private final OutputTimestamps times = new OutputTimestamps();
    private final TransponderAudio audio;
    private StreamReader lastDrained;

    private volatile TransponderStatus status = TransponderStatus.PENDING;
    private volatile String info = "";
    private volatile boolean muted;
    private volatile boolean soundEnabled;
    private volatile int width;
    private volatile int height;
    private volatile RtmpClientConnection client;
    private volatile StreamReader reader;
    private Runnable cancelAwait;
    private long retryTimer = -1;

    Transponder(Vertx vertx, Context ctx, StreamRegistry registry, String id, String sourceName, String rtmpUrl,
                RtmpClientParams target, JsonObject options, TransponderAudio audio) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.id = id;
        this.sourceName = sourceName;
        this.rtmpUrl = rtmpUrl;
        this.target = target;
        this.options = options == null ? new JsonObject() : options;
        this.audio = audio;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "push-" + sourceName + "-" + id.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
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
        retryTimer = -1;
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        RtmpClientConnection c = new RtmpClientConnection(vertx, target, RtmpClientConnection.Role.PUBLISH, new Events());
        c.onWritable(this::scheduleDrain);
        client = c;
        c.connect();
    }

    private final class Events implements RtmpClientConnection.Listener {
        @Override
        public void onStarted() {
            backoff.started();
            info = "";
            attachSource();
        }

        @Override
        public void onClosed(String reason, boolean refused) {
            detachSource();
            client = null;
            if (status == TransponderStatus.STOPPED) {
                return;
            }
            info = reason;
            if (backoff.closedAndRefused() && !refused) {
                refused = true;
                info = "the target closed the stream right after it started, " + ReconnectBackoff.MAX_QUICK_DROPS
                        + " times in a row: " + reason;
            }
            if (refused) {
                status = TransponderStatus.FAILED;
                LOG.info("Transponder {} {} -> {} FAILED: {}", id, sourceName, target.redacted(), info);
                return;
            }
            status = TransponderStatus.RECONNECTING;
            long delay = backoff.nextDelayMs();
            LOG.info("Transponder {} {} -> {}: {}; reconnecting in {} ms", id, sourceName, target.redacted(), reason, delay);
            retryTimer = vertx.setTimer(delay, t -> connect());
        }
    }

    private void attachSource() {
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        status = TransponderStatus.PENDING;
        cancelAwait = registry.awaitPublished(sourceName, s -> ctx.runOnContext(v -> onSource(s)));
    }

    private void onSource(Stream s) {
        cancelAwait = null;
        RtmpClientConnection c = client;
        if (status == TransponderStatus.STOPPED || c == null || !c.isStarted() || reader != null) {
            return;
        }
        if (s.isEnded()) {
            attachSource();
            return;
        }
        MediaDescription d = s.description();
        width = d.width();
        height = d.height();
        StreamReader r = s.addReader(ReaderInfo.internal(id, "Transponder"), this::scheduleDrain);
        r.onTerminate(() -> ctx.runOnContext(v -> terminate("Stopped by rest /terminate")));
        reader = r;
        status = TransponderStatus.PUBLISHING;
        LOG.info("Transponder {}: {} ({}) -> {}", id, sourceName, s.mediaSessionId(), target.redacted());
        scheduleDrain();
    }

    private void onSourceEnded(StreamReader r) {
        if (reader != r) {
            return;
        }
        reader = null;
        r.close();
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        info = sourceName + " unpublished (" + r.endReason() + "); waiting for it to be published again";
        LOG.info("Transponder {}: {}", id, info);
        attachSource();
    }

    private void detachSource() {
        if (cancelAwait != null) {
            cancelAwait.run();
            cancelAwait = null;
        }
        StreamReader r = reader;
        reader = null;
        if (r != null) {
            r.close();
        }
    }

    /** Context: stops everything; the worker frees the codecs and ends. */
    void terminate(String reason) {
        if (status == TransponderStatus.STOPPED) {
            return;
        }
        status = TransponderStatus.STOPPED;
        info = reason;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        detachSource();
        RtmpClientConnection c = client;
        client = null;
        if (c != null) {
            c.close(reason);
        }
        worker.execute(audio::close);
        worker.shutdown();
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

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true) && !worker.isShutdown()) {
            try {
                worker.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // terminated meanwhile
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        StreamReader r = reader;
        RtmpClientConnection c = client;
        if (r == null || c == null) {
            return;
        }
        if (r != lastDrained) {
            lastDrained = r;
            times.rebase();
        }
        try {
            r.beginDrain();
            MediaDescription d = r.stream().description();
            while (c.writable()) {
                Frame f = r.poll();
                if (f == null) {
                    break;
                }
                Frame out = f.isAudio() ? audio.apply(f, d) : f;
                if (out != null) {
                    c.sendFrame(times.map(out), d);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Transponder {}: media error", id, e);
        }
        if (r.isEnded()) {
            ctx.runOnContext(v -> onSourceEnded(r));
        }
    }

    // ---------------------------------------------------------------- REST

    JsonObject toJson() {
        StreamReader r = reader;
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
