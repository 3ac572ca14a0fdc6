package org.estuary.verticles.pull;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.estuary.core.config.PullConfig;
import org.estuary.verticles.agent.Reconnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /pull/pull} or {@code /pull/push} agent: a client of another server's WCS WebSocket
 * API. It connects, sends {@code connection}, then {@code playStream}/{@code publishStream} with
 * the offer {@link RemoteMedia} wrote, and applies the {@code setRemoteSDP} answer; media then
 * runs in the WebRTC engine. When the far end or the media session goes away, everything of this
 * attempt is closed and a new one starts with backoff. Runs on the verticle's context.
 */
final class WebRtcPullAgent {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcPullAgent.class);
    /**
     * Longest wait from connecting to the far end's setRemoteSDP (a remote that answers nothing
     * useful). 15 s was seen to be too short for a far end on a loaded 2-core machine.
     */
    private static final long SIGNAL_TIMEOUT_MS = 30_000;
    /** Text frames from the far end larger than this are garbage to us (SDP answers are a few kB). */
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Vertx vertx;
    private final Context ctx;
    private final WebSocketClient client;
    private final RemoteMedia media;
    private final WebRtcPullRequest request;
    private final Reconnector reconnect;
    /** The agent's own id: reported as localMediaSessionId and used as the local publisher's/reader's id. */
    private final String id = UUID.randomUUID().toString();
    private WebRtcPullStatus status = WebRtcPullStatus.NEW;
    private String info = "";
    private boolean stopped;
    /** The current attempt; a newer attempt makes older callbacks no-ops. */
    private Attempt attempt;

    WebRtcPullAgent(Vertx vertx, Context ctx, WebSocketClient client, RemoteMedia media, WebRtcPullRequest request,
                    PullConfig config) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.client = client;
        this.media = media;
        this.request = request;
        this.reconnect = new Reconnector(vertx, this::connect, config.reconnectFirstMs(), config.reconnectMaxMs());
    }

    WebRtcPullRequest request() { return request; }
    String id() { return id; }
    String remoteMediaSessionId() { return attempt == null ? null : attempt.remoteId; }

    void start() {
        connect();
    }

    /** One connection to the far end and what hangs on it. */
    private final class Attempt {
        final String remoteId = UUID.randomUUID().toString();
        WebSocket ws;
        Promise<String> answer;
        Promise<Void> established = Promise.promise();
        String engineSession;
        long timer = -1;
        boolean over;
    }

    private void connect() {
        if (stopped) {
            return;
        }
        Attempt a = new Attempt();
        attempt = a;
        status = WebRtcPullStatus.PENDING;
        WebSocketConnectOptions o = new WebSocketConnectOptions().setAbsoluteURI(request.uri()).setConnectTimeout(10_000);
        a.timer = vertx.setTimer(SIGNAL_TIMEOUT_MS, t -> {
            a.timer = -1;
            if (a.engineSession == null) { // no answer applied yet (ICE/DTLS have the engine's own timeouts)
                end(a, "the far end did not answer within " + SIGNAL_TIMEOUT_MS + " ms");
            }
        });
        client.connect(o).onComplete(ar -> ctx.runOnContext(v -> {
            if (ar.failed()) {
                end(a, "cannot connect to " + request.uri() + ": " + ar.cause().getMessage());
                return;
            }
            WebSocket ws = ar.result();
            a.ws = ws;
            if (a.over) {
                ws.close();
                return;
            }
            ws.textMessageHandler(text -> ctx.runOnContext(x -> message(a, text)));
            ws.closeHandler(x -> ctx.runOnContext(y -> end(a, "the far end closed the WebSocket")));
            ws.exceptionHandler(e -> ctx.runOnContext(y -> end(a, "WebSocket error: " + e.getMessage())));
            send(a, "connection", new JsonObject().put("appKey", "defaultApp").put("mediaProviders", new JsonArray().add("WebRTC"))
                    .put("clientVersion", "2.0").put("clientOSVersion", "Estuary").put("clientBrowserVersion", "Estuary")
                    .put("keepAlive", true).put("custom", new JsonObject()));
            a.established.future().onSuccess(x -> dial(a));
        }));
    }

    private void dial(Attempt a) {
        media.start(new RemoteMedia.Call(request.localStreamName(), !request.push(), id, offer -> {
            a.answer = Promise.promise();
            send(a, request.push() ? "publishStream" : "playStream", new JsonObject()
                    .put("mediaSessionId", a.remoteId).put("name", request.remoteStreamName())
                    .put("published", request.push()).put("hasVideo", true).put("hasAudio", true)
                    .put("status", "NEW").put("record", false).put("mediaProvider", "WebRTC").put("sdp", offer)
                    .put("custom", new JsonObject()));
            return a.answer.future();
        }, () -> ctx.runOnContext(v -> connected(a)), reason -> ctx.runOnContext(v -> {
            a.engineSession = null; // already closed by the engine
            end(a, "media session ended: " + reason);
        }))).onComplete(ar -> ctx.runOnContext(v -> {
            if (ar.succeeded()) {
                a.engineSession = ar.result();
                if (a.over) {
                    media.stop(a.engineSession, "agent stopped");
                }
                return;
            }
            if (ar.cause() instanceof RemoteMediaException e && !request.push() && e.status() == 409) {
                fail(a, e.getMessage()); // our local name is taken: trying again changes nothing
            } else {
                end(a, ar.cause().getMessage());
            }
        }));
    }

    private void connected(Attempt a) {
        if (a != attempt || a.over) {
            return;
        }
        reconnect.started();
        status = request.push() ? WebRtcPullStatus.PUBLISHING : WebRtcPullStatus.PLAYING;
        info = "";
        LOG.info("WebRTC {} {}: {} {} <-> {}", request.push() ? "push" : "pull", id, status, request.localStreamName(),
                request.uri() + " " + request.remoteStreamName());
    }

    private void message(Attempt a, String text) {
        if (a.over) {
            return;
        }
        JsonObject m;
        try {
            if (text.length() > MAX_MESSAGE) {
                throw new IllegalArgumentException("a " + text.length() + "-character message");
            }
            m = new JsonObject(text);
        } catch (RuntimeException e) {
            end(a, "the far end sent garbage: " + e.getMessage());
            return;
        }
        String name = m.getValue("message") instanceof String s ? s : "";
        JsonArray data = m.getValue("data") instanceof JsonArray d ? d : new JsonArray();
        Object first = data.isEmpty() ? null : data.getValue(0);
        switch (name) {
            case "ping" -> send(a, "pong", null);
            case "getUserData" -> a.established.tryComplete();
            case "setRemoteSDP" -> {
                if (data.size() >= 2 && a.remoteId.equals(first) && data.getValue(1) instanceof String sdp && a.answer != null) {
                    a.answer.tryComplete(sdp);
                }
            }
            case "notifyStreamStatusEvent" -> {
                if (first instanceof JsonObject o && a.remoteId.equals(o.getValue("mediaSessionId"))) {
                    String st = String.valueOf(o.getValue("status"));
                    if (st.equals("FAILED") || st.equals("STOPPED") || st.equals("UNPUBLISHED")) {
                        String why = "the far end's stream is " + st + (o.getValue("info") instanceof String i ? ": " + i : "");
                        if (a.answer != null) {
                            a.answer.tryFail(new RemoteMediaException(502, why));
                        }
                        end(a, why);
                    }
                }
            }
            case "fail" -> {
                String why = "the far end refused: " + (first instanceof JsonObject o ? o.getValue("info") : first);
                if (a.answer != null) {
                    a.answer.tryFail(new RemoteMediaException(502, why));
                }
                end(a, why);
            }
            default -> { } // stream events, data and the like are not for an agent
        }
    }

    private void send(Attempt a, String message, Object arg) {
        WebSocket ws = a.ws;
        if (ws != null && !ws.isClosed()) {
            ws.writeTextMessage(new JsonObject().put("message", message).put("data", new JsonArray().add(arg)).encode());
        }
    }

    /** Closes attempt {@code a} and everything on it; returns false when it was already over. */
    private boolean close(Attempt a, String reason) {
        if (a.over) {
            return false;
        }
        a.over = true;
        if (a.timer >= 0) {
            vertx.cancelTimer(a.timer);
        }
        a.established.tryFail(reason);
        if (a.answer != null) {
            a.answer.tryFail(new RemoteMediaException(502, reason));
        }
        if (a.engineSession != null) {
            media.stop(a.engineSession, reason);
            a.engineSession = null;
        }
        if (a.ws != null && !a.ws.isClosed()) {
            a.ws.close();
        }
        return true;
    }

    /** The attempt ended: reconnect with backoff (or give up when the far end keeps dropping the stream). */
    private void end(Attempt a, String reason) {
        if (!close(a, reason) || stopped || a != attempt) {
            return;
        }
        Reconnector.Decision d = reconnect.closed(reason, false, "server");
        info = d.info();
        if (d.giveUp()) {
            status = WebRtcPullStatus.FAILED;
            LOG.info("WebRTC {} {} FAILED: {}", request.push() ? "push" : "pull", id, info);
            return;
        }
        status = WebRtcPullStatus.PENDING;
        long delay = reconnect.retry();
        LOG.info("WebRTC {} {}: {}; reconnecting in {} ms", request.push() ? "push" : "pull", id, reason, delay);
    }

    private void fail(Attempt a, String reason) {
        close(a, reason);
        reconnect.stop();
        status = WebRtcPullStatus.FAILED;
        info = reason;
        LOG.info("WebRTC {} {} FAILED: {}", request.push() ? "push" : "pull", id, reason);
    }

    /** Frees everything: the WebSocket, the media session (local stream or reader), the retry timer. */
    void terminate(String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        reconnect.stop();
        if (attempt != null) {
            close(attempt, reason);
        }
        info = reason;
        LOG.info("WebRTC {} {} terminated: {}", request.push() ? "push" : "pull", id, reason);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("localMediaSessionId", id)
                .put("remoteMediaSessionId", status == WebRtcPullStatus.PLAYING || status == WebRtcPullStatus.PUBLISHING
                        ? remoteMediaSessionId() : null)
                .put("localStreamName", request.localStreamName())
                .put("remoteStreamName", request.remoteStreamName())
                .put("uri", request.uri())
                .put("status", status.name())
                .put("info", info)
                .put("push", request.push());
    }
}
