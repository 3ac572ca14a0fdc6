package org.estuary.it.websocket;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WCS WebSocket API client on the JDK's own WebSocket (java.net.http): sends
 * {@code {"message": NAME, "data": [ARGS]}} and keeps every message the server sends. It answers
 * the server's pings with pong like the Web SDK does, unless told to play dead.
 */
final class WcsClient implements AutoCloseable {
    private final List<JsonObject> received = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;
    private volatile boolean answerPings = true;
    /** The JDK WebSocket allows one outstanding send: every send queues behind the previous one. */
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

    private WcsClient(URI uri) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, new Listener()).get(30, TimeUnit.SECONDS);
    }

    static WcsClient open(int port) throws Exception {
        return new WcsClient(URI.create("ws://127.0.0.1:" + port + "/"));
    }

    /** Opens a session and completes the {@code connection} handshake; returns getUserData's object. */
    static WcsClient connected(int port, JsonObject connection) throws Exception {
        WcsClient c = open(port);
        c.send("connection", connection);
        return c;
    }

    void playDead() {
        answerPings = false;
    }

    void send(String message, Object args) {
        sendText(new JsonObject().put("message", message).put("data", new JsonArray().add(args)).encode());
    }

    void sendText(String text) {
        enqueue(() -> ws.sendText(text, true)).join();
    }

    void sendBinary(byte[] bytes) {
        enqueue(() -> ws.sendBinary(ByteBuffer.wrap(bytes), true)).join();
    }

    private synchronized CompletableFuture<?> enqueue(java.util.function.Supplier<CompletableFuture<WebSocket>> op) {
        CompletableFuture<?> next = sends.handle((v, e) -> null).thenCompose(v -> op.get());
        sends = next;
        return next;
    }

    /** The first received message named {@code message} whose data[0] matches, waiting up to {@code timeout}. */
    JsonObject await(String message, Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (JsonObject m : received) {
                    if (message.equals(m.getString("message")) && match.test(first(m))) {
                        received.remove(m);
                        return first(m);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + message + "' within " + timeout + "; got " + received);
                }
                received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    JsonObject await(String message, Duration timeout) throws InterruptedException {
        return await(message, o -> true, timeout);
    }

    /** Every received message named {@code message} so far (removed from the inbox). */
    List<JsonObject> drain(String message) {
        List<JsonObject> out = new ArrayList<>();
        synchronized (received) {
            received.removeIf(m -> {
                if (message.equals(m.getString("message"))) {
                    out.add(m);
                    return true;
                }
                return false;
            });
        }
        return out;
    }

    private static JsonObject first(JsonObject m) {
        JsonArray d = m.getJsonArray("data");
        return d != null && !d.isEmpty() && d.getValue(0) instanceof JsonObject o ? o : new JsonObject();
    }

    /** The close code the server sent, once it closed. */
    CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject m = new JsonObject(text.toString());
                text.setLength(0);
                if ("ping".equals(m.getString("message")) && answerPings) {
                    String pong = new JsonObject().put("message", "pong").put("data", new JsonArray().addNull()).encode();
                    enqueue(() -> w.sendText(pong, true));
                }
                synchronized (received) {
                    received.add(m);
                    received.notifyAll();
                }
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode);
            synchronized (received) {
                received.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.complete(-1);
        }
    }
}
