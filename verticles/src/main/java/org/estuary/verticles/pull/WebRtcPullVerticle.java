package org.estuary.verticles.pull;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.config.PullConfig;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.estuary.verticles.agent.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /pull/pull}, {@code /pull/push}, {@code /pull/find_all} and {@code /pull/terminate}:
 * WebRTC between servers, one {@link WebRtcPullAgent} per pulled or pushed stream, all on this
 * verticle's context.
 */
public final class WebRtcPullVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcPullVerticle.class);
    /** Fields of /pull/terminate that select agents (any given ones must all match). */
    private static final List<String> SELECTORS = List.of("uri", "localMediaSessionId", "remoteMediaSessionId",
            "localStreamName", "remoteStreamName", "status");

    private final StreamRegistry streams;
    private final PullConfig config;
    private final RemoteMedia media;
    private final List<WebRtcPullAgent> agents = new ArrayList<>();
    private WebSocketClient client;
    private Limits limits = Limits.none();

    public WebRtcPullVerticle(StreamRegistry streams, PullConfig config, RemoteMedia media) {
        this.streams = streams;
        this.config = config;
        this.media = media;
    }

    /** The node's limits (limits.maxPullAgents / maxPushAgents); call before deployment. */
    public WebRtcPullVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    @Override
    public Future<?> start() {
        RecordCodec.register(vertx.eventBus(), WebRtcPullRequest.class);
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(1 << 20));
        return new Control(vertx, LOG)
                .on("/pull/pull", (m, b) -> startAgent(m, WebRtcPullRequest.pull(b)))
                .on("/pull/push", (m, b) -> {
                    WebRtcPullRequest q = WebRtcPullRequest.push(b);
                    String sessionId = b.string("localMediaSessionId");
                    if (sessionId != null && !sessionId.isBlank() && streams.find(q.localStreamName())
                            .filter(st -> st.mediaSessionId().equals(sessionId)).isEmpty()) {
                        throw ControlError.notFound("No stream " + q.localStreamName() + " with mediaSessionId " + sessionId);
                    }
                    startAgent(m, q);
                })
                .on("/pull/find_all", (m, b) -> Find.reply(m,
                        Find.page(agents.stream().map(WebRtcPullAgent::toJson).toList(), b), "No WebRTC pull/push agents"))
                .on("/pull/terminate", this::terminate)
                .ready();
    }

    @Override
    public Future<?> stop() {
        agents.forEach(a -> a.terminate("Server shutdown"));
        agents.clear();
        return client == null ? Future.succeededFuture() : client.close();
    }

    private void startAgent(Message<JsonObject> m, WebRtcPullRequest q) {
        for (WebRtcPullAgent a : agents) {
            WebRtcPullRequest o = a.request();
            if (!q.push() && !o.push() && o.localStreamName().equals(q.localStreamName())) {
                throw ControlError.conflict("Already pulling into " + q.localStreamName() + " from " + o.uri());
            }
            if (q.push() && o.push() && o.uri().equals(q.uri()) && o.remoteStreamName().equals(q.remoteStreamName())) {
                throw ControlError.conflict("Already pushing " + o.localStreamName() + " to " + q.uri() + " as " + q.remoteStreamName());
            }
        }
        if (!q.push() && streams.find(q.localStreamName()).isPresent()) {
            throw ControlError.conflict("Local stream name is in use: " + q.localStreamName());
        }
        if (q.push() && streams.find(q.localStreamName()).isEmpty()) {
            throw ControlError.notFound("Stream not found: " + q.localStreamName());
        }
        AgentLimit.check(limits, q.push() ? Limit.PUSH_AGENTS : Limit.PULL_AGENTS,
                (int) agents.stream().filter(x -> x.request().push() == q.push()).count());
        WebRtcPullAgent a = new WebRtcPullAgent(vertx, context, client, media, q, config);
        agents.add(a);
        a.start();
        m.reply(a.toJson());
    }

    private void terminate(Message<JsonObject> m, Body b) {
        if (SELECTORS.stream().noneMatch(f -> b.string(f) != null && !b.string(f).isBlank())) {
            throw ControlError.badRequest("Name the agent: one of " + String.join(", ", SELECTORS));
        }
        List<WebRtcPullAgent> hit = agents.stream().filter(a -> matches(a, b)).toList();
        if (hit.isEmpty()) {
            throw ControlError.notFound("No WebRTC pull/push agent matches " + b.json().encode());
        }
        for (WebRtcPullAgent a : hit) {
            agents.remove(a);
            a.terminate("Stopped by rest /pull/terminate");
        }
        m.reply(null);
    }

    private static boolean matches(WebRtcPullAgent a, Body b) {
        JsonObject j = a.toJson().put("remoteMediaSessionId", a.remoteMediaSessionId());
        for (String f : SELECTORS) {
            String want = b.string(f);
            if (want != null && !want.isBlank() && !want.equals(j.getString(f))) {
                return false;
            }
        }
        return true;
    }
}
