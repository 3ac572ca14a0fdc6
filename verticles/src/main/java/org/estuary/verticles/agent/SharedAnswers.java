package org.estuary.verticles.agent;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * Answers a feature verticle publishes for the REST layer to send straight from the HTTP event loop,
 * without the event-bus request to the verticle and back.
 *
 * <p>Why: with {@code /stream/find_all}'s answer already shared and encoded, the hop to the stream
 * control worker thread and back was what remained of a request's cost (issue 14 target 7,
 * RestFindBenchmark). The REST layer still routes, checks the rate limit, authentication, CORS and the
 * body as for any method; only the event-bus request is skipped while the verticle says its answer is
 * current ({@link Answer#current}). When it says null the request goes to the verticle as before,
 * which rebuilds (and publishes) the answer.
 *
 * <p>Per Vert.x instance (a node): a {@link LocalMap} keyed by the REST method path, e.g.
 * {@code /stream/find_all}.
 */
public final class SharedAnswers {
    private static final String MAP = "estuary.sharedAnswers";

    private SharedAnswers() { }

    /** An answer the REST layer may send as is; called from any thread. */
    @FunctionalInterface
    public interface Answer extends Shareable {
        /**
         * The already-encoded JSON answer when still current, gzip-compressed when {@code gzip}
         * (the client accepts it); null when the request must go to the verticle (stale, not built
         * yet, empty, or no gzip copy made yet).
         */
        Buffer current(boolean gzip);
    }

    /** The answers of {@code vertx}'s node, for the REST layer (look-ups per request, by method path). */
    public static LocalMap<String, Answer> of(Vertx vertx) {
        return vertx.sharedData().getLocalMap(MAP);
    }

    /** Publishes {@code answer} for REST method {@code path} (e.g. at verticle start). */
    public static void publish(Vertx vertx, String path, Answer answer) {
        of(vertx).put(path, answer);
    }

    /** Withdraws the answer of {@code path} if it is still {@code answer} (verticle stop). */
    public static void withdraw(Vertx vertx, String path, Answer answer) {
        of(vertx).removeIfPresent(path, answer);
    }
}
