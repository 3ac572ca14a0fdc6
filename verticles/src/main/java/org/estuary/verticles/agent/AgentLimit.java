package org.estuary.verticles.agent;

import io.vertx.core.eventbus.Message;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;

/**
 * The agent-count limits of the {@code limits} section, for a feature's startup handler:
 * {@code AgentLimit.check(limits, Limit.PULL_AGENTS, agents.size())} before anything is created.
 * Past the limit the request ends 503 with a JSON body naming the key ({@code "limit"}); the
 * refusal is counted for {@code /metrics}. Running agents are not touched.
 */
public final class AgentLimit {
    private AgentLimit() { }

    /** @throws ControlError 503 when one more agent of {@code kind} would pass its limit */
    public static void check(Limits limits, Limit kind, int running) {
        limits.agent(kind, running).ifPresent(r -> {
            throw new ControlError(ApiStatus.UNAVAILABLE, r.message());
        });
    }

    /** For handlers outside {@link Control}: fails {@code m} with 503 and answers true when past the limit. */
    public static boolean refused(Message<?> m, Limits limits, Limit kind, int running) {
        var r = limits.agent(kind, running);
        r.ifPresent(x -> m.fail(ApiStatus.UNAVAILABLE, x.message()));
        return r.isPresent();
    }
}
