package org.estuary.core.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one admission point: every protocol asks it before it accepts a connection, starts a publish
 * or attaches a reader, and waits for the answer (asynchronously: an implementation may ask a
 * backend over HTTP). Implementations must answer on any thread and never throw; callers hop back
 * to their own event loop. Several are combined with {@link AdmissionChain}.
 */
@FunctionalInterface
public interface Admission {

    CompletionStage<AdmissionDecision> check(AdmissionRequest request);

    /** Lets everything in, unchanged. */
    static Admission allowAll() {
        return request -> CompletableFuture.completedFuture(AdmissionDecision.allow(request));
    }
}
