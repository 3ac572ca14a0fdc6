package org.estuary.verticles.pull;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.ReconnectBackoff;
import org.estuary.verticles.rtmp.RtmpClientConnection;
import org.estuary.verticles.rtmp.RtmpToFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one remote RTMP stream and publishes it locally. Everything runs on the pull verticle's
 * context (the local stream has that single publisher thread). The local stream exists while
 * remote media flows: it is published on the first media message and ended when the remote
 * stream is unpublished or the connection drops; the agent then reconnects with backoff.
 */
final class PullAgent {
    private static final Logger LOG = LoggerFactory.getLogger(PullAgent.class);
    /**
     * nginx-rtmp (by default) and others tell players nothing when the publisher leaves: they just
     * stop sending. Media silence this long while pulling counts as the remote stream ending.
     */
    static final long MEDIA_TIMEOUT_MS = 5_000;
    static final String PROCESSED_REMOTE = "PROCESSED_REMOTE";
    static final String NEW = "NEW";
    static final String RECONNECTING = "RECONNECTING";
    static final String FAILED = "FAILED";
    static final String STOPPED = "STOPPED";

    private final Vertx vertx;
    private final Context ctx;
    private final StreamRegistry registry;
    private final String uri;
    private final RtmpClientParams source;
    private final String localName;
    private final boolean hasAudio;
    private final boolean hasVideo;
    private final boolean record;
    private final long publishIdleMs;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private RtmpClientConnection client;
    private Stream local;
    private RtmpToFrames ingest;
    private String lastMediaSessionId = "";
    private String status = NEW;
    private String info = "";
    private long retryTimer = -1;
    private long watchdog = -1;
    private long lastMediaAt;

    PullAgent(Vertx vertx, Context ctx, StreamRegistry registry, String uri, RtmpClientParams source, String localName,
              boolean hasAudio, boolean hasVideo, boolean record, long publishIdleMs) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.uri = uri;
        this.source = source;
        this.localName = localName;
        this.hasAudio = hasAudio;
        this.hasVideo = hasVideo;
        this.record = record;
        this.publishIdleMs = publishIdleMs;
    }

    String uri() { return uri; }
    String localName() { return localName; }

    void start() {
        watchdog = vertx.setPeriodic(1000, id -> checkMedia());
        connect();
    }

    private void checkMedia() {
        RtmpClientConnection c = client;
        if (local != null && c != null && System.currentTimeMillis() - lastMediaAt > MEDIA_TIMEOUT_MS) {
            String why = "no media from the remote stream for " + MEDIA_TIMEOUT_MS + " ms";
            endLocal(why);
            c.close(why);
        }
    }

    private void connect() {
        retryTimer = -1;
        if (STOPPED.equals(status)) {
            return;
        }
        client = new RtmpClientConnection(vertx, source, RtmpClientConnection.Role.PLAY, new Events());
        client.connect();
    }

    private final class Events implements RtmpClientConnection.Listener {
        @Override
        public void onStarted() {
            backoff.started();
        }

        @Override
        public void onStatus(String level, String code, String description) {
            if (StatusCode.PLAY_UNPUBLISH_NOTIFY.equals(code) || StatusCode.PLAY_STOP.equals(code)
                    || RtmpClientConnection.STREAM_EOF.equals(code)) {
                // the remote publisher left: end the local stream and start over, so that the
                // next publisher's stream (new clock, new codec config) is a new local stream
                endLocal("remote stream unpublished");
                client.close("remote stream unpublished");
            }
        }

        @Override
        public void onMedia(RtmpMessage m) {
            boolean video = m.typeId() == MessageType.VIDEO;
            boolean audio = m.typeId() == MessageType.AUDIO;
            if ((video && !hasVideo) || (audio && !hasAudio)) {
                return;
            }
            lastMediaAt = System.currentTimeMillis();
            if (local == null && (video || audio) && !publishLocal()) {
                return;
            }
            if (ingest != null) {
                ingest.accept(m);
            }
        }

        @Override
        public void onClosed(String reason, boolean refused) {
            client = null;
            endLocal(reason);
            if (STOPPED.equals(status)) {
                return;
            }
            info = reason;
            if (backoff.closedAndRefused() && !refused) {
                refused = true;
                info = "the server closed the stream right after it started, " + ReconnectBackoff.MAX_QUICK_DROPS
                        + " times in a row: " + reason;
            }
            if (refused) {
                status = FAILED;
                LOG.info("Pull {} FAILED: {}", source.redacted(), info);
                return;
            }
            status = RECONNECTING;
            long delay = backoff.nextDelayMs();
            LOG.info("Pull {}: {}; reconnecting in {} ms", source.redacted(), reason, delay);
            retryTimer = vertx.setTimer(delay, t -> connect());
        }
    }

    private boolean publishLocal() {
        try {
            local = registry.publish(localName, new PublisherInfo(client.sessionId(), "", "RTMP", Map.of()), publishIdleMs);
        } catch (NameInUseException e) {
            info = "local stream name is in use: " + localName;
            status = FAILED;
            LOG.info("Pull {}: {}", source.redacted(), info);
            RtmpClientConnection c = client;
            if (c != null) {
                c.close(info);
            }
            return false;
        }
        if (record) {
            // the recorder is another feature: ask it over the bus like any REST caller would
            String id = local.mediaSessionId();
            vertx.eventBus().request(org.estuary.core.control.Addresses.api("/recorder/startup"),
                    new io.vertx.core.json.JsonObject().put("mediaSessionId", id))
                    .onFailure(e -> LOG.warn("Pull {}: recording {} did not start: {}", source.redacted(), id, e.getMessage()));
        }
        Stream s = local;
        s.onTerminate(() -> ctx.runOnContext(v -> {
            if (local == s) {
                endLocal("Stopped by rest /stream/terminate");
            }
        }));
        ingest = new RtmpToFrames(local);
        lastMediaSessionId = local.mediaSessionId();
        status = PROCESSED_REMOTE;
        info = "";
        LOG.info("Pull {} -> local stream {} ({})", source.redacted(), localName, local.mediaSessionId());
        return true;
    }

    private void endLocal(String reason) {
        if (local != null) {
            local.end(reason);
            local = null;
            ingest = null;
        }
    }

    void terminate(String reason) {
        if (STOPPED.equals(status)) {
            return;
        }
        status = STOPPED;
        info = reason;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        vertx.cancelTimer(watchdog);
        endLocal(reason);
        if (client != null) {
            client.close(reason);
        }
        LOG.info("Pull {} terminated: {}", source.redacted(), reason);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("localMediaSessionId", local != null ? local.mediaSessionId() : lastMediaSessionId)
                .put("localStreamName", localName)
                .put("uri", uri)
                .put("status", status)
                .put("info", info)
                .put("hasAudio", hasAudio)
                .put("hasVideo", hasVideo)
                .put("record", record);
    }
}
