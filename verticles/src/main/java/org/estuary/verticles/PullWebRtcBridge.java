package org.estuary.verticles;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.verticles.pull.RemoteMedia;
import org.estuary.verticles.pull.RemoteMediaException;
import org.estuary.verticles.webrtc.WebRtcSessions;

/**
 * Wiring between two features that must not import each other: the server-to-server agents of
 * {@code /pull/pull|push} dial through the WebRTC engine.
 */
final class PullWebRtcBridge implements RemoteMedia {
    private final WebRtcSessions engine;
    /** Sessions the agent stopped: the engine's close callback then stays quiet. */
    private final Map<String, Boolean> stopped = new ConcurrentHashMap<>();

    PullWebRtcBridge(WebRtcSessions engine) {
        this.engine = engine;
    }

    @Override
    public Future<String> start(Call c) {
        String[] id = {null};
        var dial = new WebRtcSessions.Dial(c.localStreamName(),
                c.receive() ? WebRtcSessions.Direction.PLAY : WebRtcSessions.Direction.PUBLISH, c.agentId(), c.signal(),
                c.onConnected(), reason -> {
            if (id[0] == null || stopped.remove(id[0]) == null) {
                c.onClosed().accept(reason);
            }
        });
        return engine.dial(dial).<String>map(a -> {
            id[0] = a.sessionId();
            return a.sessionId();
        }).recover(e -> Future.failedFuture(e instanceof org.estuary.verticles.agent.ControlError w
                ? new RemoteMediaException(w.status(), w.getMessage())
                : new RemoteMediaException(502, String.valueOf(e.getMessage()))));
    }

    @Override
    public void stop(String sessionId, String reason) {
        stopped.put(sessionId, Boolean.TRUE);
        engine.close(sessionId, reason).onFailure(e -> stopped.remove(sessionId));
    }
}
