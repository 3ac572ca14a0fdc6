package org.estuary.verticles.pull;

import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The WebRTC side of a server-to-server agent, implemented over the WebRTC engine (this package
 * must not import it): we write the offer like a browser, the agent carries it over the far
 * end's WebSocket API, and media runs between the local stream and the far end.
 */
public interface RemoteMedia {

    /**
     * One media session to dial.
     *
     * @param localStreamName published from the far end's media ({@code receive}) or sent to it
     * @param receive      true for /pull/pull, false for /pull/push
     * @param agentId      the agent's id, used as the local publisher's / reader's session id
     * @param signal       sends our offer to the far end, completes with its answer SDP
     * @param onConnected  ICE and DTLS are done, SRTP flows (any thread)
     * @param onClosed     the session ended, with the reason (any thread; not after {@link #stop})
     */
    record Call(String localStreamName, boolean receive, String agentId, Function<String, Future<String>> signal,
                Runnable onConnected, Consumer<String> onClosed) { }

    /**
     * Completes with the media session's id once the far end's answer is applied; fails with a
     * {@link RemoteMediaException} whose status is 404 (push: no local stream), 409 (pull: the local
     * name is taken), 502 (the far end's answer or signalling failed), 503 (no engine).
     */
    Future<String> start(Call call);

    /** Ends the media session; unknown ids are ignored. */
    void stop(String sessionId, String reason);
}
