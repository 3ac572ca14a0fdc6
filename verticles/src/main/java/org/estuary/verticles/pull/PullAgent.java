package org.estuary.verticles.pull;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.estuary.core.config.PullConfig;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Reconnector;
import org.estuary.verticles.rtmpclient.RtmpClientConnection;
import org.estuary.verticles.rtmpclient.RtmpToFrames;
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

    private final Vertx vertx;
    private final Context ctx;
    private final StreamRegistry registry;
    private final RtmpClientParams source;
    /** The /pull/rtmp/pull request this agent serves (uri, local name, tracks, record). */
    private final PullRequest request;
    private final PullConfig config;
    private final Reconnector reconnect;
    private RtmpClientConnection client;
    private Stream local;
    private RtmpToFrames ingest;
    private String lastMediaSessionId = "";
    private PullStatus status = PullStatus.NEW;
    private String info = "";
    private long watchdog = -1;
    private long lastMediaAt;

    PullAgent(Vertx vertx, Context ctx, StreamRegistry registry, PullRequest request, RtmpClientParams source,
              PullConfig config) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.request = request;
        this.source = source;
        this.config = config;
        this.reconnect = new Reconnector(vertx, this::connect, config.reconnectFirstMs(), config.reconnectMaxMs());
    }

    String uri() { return request.uri(); }
    String localName() { return request.localStreamName(); }

    void start() {
        watchdog = vertx.setPeriodic(1000, id -> checkMedia());
        connect();
    }

    /**
     * nginx-rtmp (by default) and others tell players nothing when the publisher leaves: they just
     * stop sending. Media silence of pull.mediaTimeoutMs while pulling counts as the remote stream ending.
     */
    private void checkMedia() {
        RtmpClientConnection c = client;
        if (local != null && c != null && System.currentTimeMillis() - lastMediaAt > config.mediaTimeoutMs()) {
            String why = "no media from the remote stream for " + config.mediaTimeoutMs() + " ms";
            endLocal(why);
            c.close(why);
        }
    }

    private void connect() {
        if (status == PullStatus.STOPPED) {
            return;
        }
        client = new RtmpClientConnection(vertx, source, RtmpClientConnection.Role.PLAY, new Events());
        client.connect();
    }

    private final class Events implements RtmpClientConnection.Listener {
        @Override
        public void onStarted() {
            reconnect.started();
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
            if ((video && !request.hasVideo()) || (audio && !request.hasAudio())) {
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
            if (status == PullStatus.STOPPED) {
                return;
            }
            Reconnector.Decision d = reconnect.closed(reason, refused, "server");
            info = d.info();
            if (d.giveUp()) {
                status = PullStatus.FAILED;
                LOG.info("Pull {} FAILED: {}", source.redacted(), info);
                return;
            }
            status = PullStatus.RECONNECTING;
            long delay = reconnect.retry();
            LOG.info("Pull {}: {}; reconnecting in {} ms", source.redacted(), reason, delay);
        }
    }

    private boolean publishLocal() {
        try {
            local = registry.publish(request.localStreamName(), new PublisherInfo(client.sessionId(), "", "RTMP", Map.of()), config.publishIdleTimeoutMs());
        } catch (NameInUseException e) {
            info = "local stream name is in use: " + request.localStreamName();
            status = PullStatus.FAILED;
            LOG.info("Pull {}: {}", source.redacted(), info);
            RtmpClientConnection c = client;
            if (c != null) {
                c.close(info);
            }
            return false;
        }
        if (request.record()) {
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
        status = PullStatus.PROCESSED_REMOTE;
        info = "";
        LOG.info("Pull {} -> local stream {} ({})", source.redacted(), request.localStreamName(), local.mediaSessionId());
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
        if (status == PullStatus.STOPPED) {
            return;
        }
        status = PullStatus.STOPPED;
        info = reason;
        reconnect.stop();
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
                .put("localStreamName", request.localStreamName())
                .put("uri", request.uri())
                .put("status", status.name())
                .put("info", info)
                .put("hasAudio", request.hasAudio())
                .put("hasVideo", request.hasVideo())
                .put("record", request.record());
    }
}
