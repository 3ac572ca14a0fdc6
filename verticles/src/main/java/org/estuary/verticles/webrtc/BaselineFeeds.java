package org.estuary.verticles.webrtc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.estuary.core.control.Addresses;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;

/**
 * H.264 without B-frames for WebRTC players of a source that has them (RTMP from an encoder with
 * {@code -bf 2}, files, RTSP cameras in High profile). Browsers' WebRTC decoders assume decode
 * order = presentation order: frames with B-frames freeze or stutter. The first such player of a
 * source starts one transcoder over the REST event bus ({@code /transcoder2/startup}, constrained
 * baseline, audio passed through) into a stream named {@code <source>-webrtc-baseline} (no "#": that would be a user#room mixer name); later
 * players share it and the last one to leave terminates it. Engine event loop only.
 */
final class BaselineFeeds {
    static final String SUFFIX = "-webrtc-baseline";
    private static final String STARTUP = Addresses.api("/transcoder2/startup");
    private static final String TERMINATE = Addresses.api("/transcoder2/terminate");

    private final Vertx vertx;
    private final StreamRegistry streams;
    private final Map<String, Feed> feeds = new HashMap<>();
    private long started;

    private static final class Feed {
        Future<Stream> output;
        int players;
    }

    BaselineFeeds(Vertx vertx, StreamRegistry streams) {
        this.vertx = vertx;
        this.streams = streams;
    }

    /** The baseline copy of {@code source}, started if needed; {@link #release} once done with it. */
    Future<Stream> acquire(Stream source) {
        String name = source.name() + SUFFIX;
        Feed f = feeds.get(name);
        if (f == null) {
            f = new Feed();
            feeds.put(name, f);
            started++;
            Optional<Stream> running = streams.find(name);
            if (running.isPresent() && !running.get().isEnded()) {
                f.output = Future.succeededFuture(running.get());
            } else {
                JsonObject startup = new JsonObject()
                        .put("uri", "transcoder2://webrtc-" + Integer.toHexString(name.hashCode()) + "-" + started)
                        .put("remoteStreamName", source.name()).put("localStreamName", name)
                        .put("encoder", new JsonObject().put("keyFrameInterval", 50));
                f.output = vertx.eventBus().request(STARTUP, startup, new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000))
                        .compose(reply -> streams.find(name).map(Future::succeededFuture)
                                .orElseGet(() -> Future.failedFuture("the baseline copy " + name + " ended at once")));
                Feed made = f;
                f.output.onFailure(e -> feeds.remove(name, made));
            }
        }
        f.players++;
        return f.output;
    }

    void release(Stream source) {
        String name = source.name() + SUFFIX;
        Feed f = feeds.get(name);
        if (f == null || --f.players > 0) {
            return;
        }
        feeds.remove(name);
        // after the startup's answer, or the terminate could overtake it and leave the copy running
        f.output.onComplete(ar -> vertx.eventBus().request(TERMINATE, new JsonObject().put("localStreamName", name),
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000)));
    }

    /** Baseline copies running now. */
    int running() {
        return feeds.size();
    }

    /** Baseline copies started since the engine started. */
    long started() {
        return started;
    }
}
