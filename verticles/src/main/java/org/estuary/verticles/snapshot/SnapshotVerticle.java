package org.estuary.verticles.snapshot;

import org.estuary.verticles.agent.Control;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.UUID;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.snapshot.SnapshotDecoder;
import org.estuary.media.snapshot.SnapshotException;
import org.estuary.verticles.agent.Body;

/**
 * Serves {@code /stream/snapshot {streamName}} → {@code {"data": "<base64 PNG>"}}. A short-lived
 * reader joins the stream (new readers get the cached GOP, so a keyframe is usually there at
 * once); the decode runs with {@code executeBlocking}, never on the event loop.
 */
public final class SnapshotVerticle extends VerticleBase {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnapshotVerticle.class);
    /** How long to wait for a keyframe before answering 504. */
    public static final long KEYFRAME_TIMEOUT_MS = 10_000;
    private static final int GATEWAY_TIMEOUT = 504;

    private final StreamRegistry streams;

    public SnapshotVerticle(StreamRegistry streams) {
        this.streams = streams;
    }

    @Override
    public Future<?> start() {
        return new Control(vertx, LOG).on("/stream/snapshot", (m, b) -> snapshot(m)).ready();
    }

    private void snapshot(Message<JsonObject> m) {
        String name = Body.of(m).string("streamName");
        Stream s = name == null ? null : streams.find(name).orElse(null);
        if (s == null) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + name);
            return;
        }
        new Grab(s, m, vertx.getOrCreateContext()).start();
    }

    /** One snapshot request: waits for config + keyframe on the event loop, decodes on a worker. */
    private final class Grab {
        private final Stream stream;
        private final Message<JsonObject> msg;
        private final Context ctx;
        private StreamReader reader;
        private Frame config;
        private long timer;
        private boolean done;

        Grab(Stream stream, Message<JsonObject> msg, Context ctx) {
            this.stream = stream;
            this.msg = msg;
            this.ctx = ctx;
        }

        void start() {
            timer = vertx.setTimer(KEYFRAME_TIMEOUT_MS, t -> fail(GATEWAY_TIMEOUT,
                    "No video keyframe from stream " + stream.name() + " within " + KEYFRAME_TIMEOUT_MS + " ms"));
            reader = stream.addReader(ReaderInfo.internal(UUID.randomUUID().toString(), "Snapshot"),
                    () -> ctx.runOnContext(v -> drain()));
        }

        private void drain() {
            if (done) {
                return;
            }
            reader.beginDrain();
            for (Frame f; (f = reader.poll()) != null; ) {
                if (!f.isVideo()) {
                    continue;
                }
                if (f.isConfig()) {
                    config = f;
                } else if (f.isKeyframe() && config != null) {
                    decode(config, f);
                    return;
                }
            }
            if (reader.isEnded()) {
                fail(ApiStatus.NOT_FOUND, "Stream ended before a keyframe: " + stream.name());
            }
        }

        private void decode(Frame cfg, Frame key) {
            finish();
            vertx.executeBlocking(() -> SnapshotDecoder.toPng(cfg, key), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    msg.reply(new JsonObject().put("data", Base64.getEncoder().encodeToString(ar.result())));
                } else {
                    Throwable e = ar.cause();
                    msg.fail(ApiStatus.INTERNAL, "Snapshot failed: "
                            + (e instanceof SnapshotException ? e.getMessage() : e.toString()));
                }
            });
        }

        private void fail(int status, String message) {
            if (!done) {
                finish();
                msg.fail(status, message);
            }
        }

        private void finish() {
            done = true;
            vertx.cancelTimer(timer);
            reader.close();
        }
    }
}
