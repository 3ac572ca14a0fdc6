package org.estuary.verticles.pull;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.config.PullConfig;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.estuary.verticles.agent.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code /pull/rtmp/*}: one {@link PullAgent} per remote URI, all on this verticle's context. */
public final class PullRtmpVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxPullAgents and the like); call before deployment. */
    public PullRtmpVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PullRtmpVerticle.class);

    private final StreamRegistry streams;
    private final PullConfig config;
    private final Map<String, PullAgent> agents = new LinkedHashMap<>();

    public PullRtmpVerticle(StreamRegistry streams, PullConfig config) {
        this.streams = streams;
        this.config = config;
    }

    @Override
    public Future<?> start() {
        RecordCodec.register(vertx.eventBus(), PullRequest.class);
        return new Control(vertx, LOG)
                .on("/pull/rtmp/pull", (m, b) -> pull(m, PullRequest.from(b)))
                .on("/pull/rtmp/find_all", (m, b) ->
                        Find.reply(m, agents.values().stream().map(PullAgent::toJson).toList(), "No RTMP pull agents"))
                .on("/pull/rtmp/terminate", this::terminate)
                .ready();
    }

    @Override
    public Future<?> stop() {
        agents.values().forEach(a -> a.terminate("Server shutdown"));
        agents.clear();
        return Future.succeededFuture();
    }

    private void pull(Message<JsonObject> m, PullRequest q) {
        AgentLimit.check(limits, Limit.PULL_AGENTS, agents.size());
        RtmpClientParams source;
        try {
            source = RtmpClientParams.of(q.uri());
        } catch (IllegalArgumentException e) {
            throw ControlError.badRequest("Bad uri: " + e.getMessage());
        }
        if (agents.containsKey(q.uri())) {
            throw ControlError.conflict("Already pulling " + q.uri());
        }
        String name = q.localStreamName();
        if (streams.find(name).isPresent() || agents.values().stream().anyMatch(a -> a.localName().equals(name))) {
            throw ControlError.conflict("Local stream name is in use: " + name);
        }
        if (!q.hasAudio() && !q.hasVideo()) {
            throw ControlError.badRequest("hasAudio and hasVideo are both false: nothing to pull");
        }
        PullAgent a = new PullAgent(vertx, context, streams, q, source, config);
        agents.put(q.uri(), a);
        a.start();
        m.reply(a.toJson());
    }

    private void terminate(Message<JsonObject> m, Body b) {
        String uri = b.string("uri");
        PullAgent a = uri == null ? null : agents.remove(uri);
        if (a == null) {
            throw ControlError.notFound("Not pulling " + uri);
        }
        a.terminate("Stopped by rest /pull/rtmp/terminate");
        m.reply(null);
    }
}
