package org.estuary.it.trust;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * A small backend for the admission hooks, written for the tests (the JDK's HTTP server): every
 * POST body is recorded by path, and a per-test policy decides the answer (status + JSON body).
 */
final class CallbackServer implements AutoCloseable {
    /** What the backend answers. */
    record Answer(int status, String body) {
        static Answer allow() {
            return new Answer(200, "");
        }

        static Answer deny() {
            return new Answer(403, "{\"reason\":\"no\"}");
        }
    }

    /** One request the server got. */
    record Call(String path, JsonObject body) { }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Answer> policy = c -> Answer.allow();

    CallbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void policy(Function<Call, Answer> p) {
        policy = p;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonObject body = text.isBlank() ? new JsonObject() : new JsonObject(text);
            Call call = new Call(ex.getRequestURI().getPath(), body);
            calls.add(call);
            Answer a = "POST".equals(ex.getRequestMethod()) ? policy.apply(call) : new Answer(405, "");
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
