package org.estuary.verticles.access;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.estuary.core.config.HooksConfig;
import org.estuary.core.session.AdmissionDecision;
import org.estuary.core.session.AdmissionRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpHooks} against a backend on loopback: allow, refuse, rename, timeout and unreachable. */
class HttpHooksTest {
    private Vertx vertx;
    private HttpServer backend;
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        backend = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            JsonObject body = b.toJsonObject();
            bodies.add(body);
            String name = body.getString("streamName");
            switch (req.path()) {
                case "/allow" -> req.response().setStatusCode(204).end();
                case "/deny" -> req.response().setStatusCode(401).end("{\"reason\":\"no\"}");
                case "/rename" -> req.response().setStatusCode(200)
                        .end(new JsonObject().put("streamName", name + "-x").put("fields", new JsonObject().put("k", 7)).encode());
                case "/bad-rename" -> req.response().setStatusCode(200).end("{\"streamName\":\"../etc\"}");
                case "/text" -> req.response().setStatusCode(200).end("OK");
                default -> { } // /slow: never answers
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /**
     * Hook timeout for cases where the backend answers: it only bounds a wait that ends with the
     * answer, so it is generous (a clean-clone CI run once saw a 401 not arrive within 2 s on a
     * loaded machine, and failOpen then turned the refusal into an allow).
     */
    private static final long ANSWERED_MS = 10_000;

    private AdmissionDecision ask(String path, long timeoutMs, boolean failOpen) {
        String url = path.startsWith("http") ? path : "http://127.0.0.1:" + backend.actualPort() + path;
        HttpHooks hooks = new HttpHooks(vertx, new HooksConfig("", url, "", "", timeoutMs, failOpen), "node1");
        return hooks.check(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, "RTMP", "live", "cam1", "127.0.0.1",
                Map.of("token", "t"))).toCompletableFuture().join();
    }

    @Test
    void twoHundredsAllowAndTheBodyDescribesTheRequest() {
        assertTrue(ask("/allow", ANSWERED_MS, false).allowed());
        JsonObject b = bodies.get(0);
        assertEquals("publish", b.getString("action"));
        assertEquals("RTMP", b.getString("protocol"));
        assertEquals("live", b.getString("app"));
        assertEquals("cam1", b.getString("streamName"));
        assertEquals("127.0.0.1", b.getString("clientAddress"));
        assertEquals("t", b.getJsonObject("params").getString("token"));
        assertEquals("node1", b.getString("nodeId"));
        assertTrue(ask("/text", ANSWERED_MS, false).allowed(), "a 2xx whose body is not JSON allows");
    }

    @Test
    void otherStatusesRefuse() {
        AdmissionDecision d = ask("/deny", ANSWERED_MS, true);
        assertFalse(d.allowed(), "failOpen is about an unreachable backend, not about a refusal");
        assertTrue(d.reason().contains("401"), d.reason());
    }

    @Test
    void answerMayRenameAndAttachFields() {
        AdmissionDecision d = ask("/rename", ANSWERED_MS, false);
        assertTrue(d.allowed());
        assertEquals("cam1-x", d.streamName());
        assertEquals(Map.of("k", "7"), d.fields());
        assertFalse(ask("/bad-rename", ANSWERED_MS, false).allowed(), "a rename to a path is refused");
    }

    @Test
    void timeoutAndUnreachableFollowFailOpen() {
        long t0 = System.nanoTime();
        assertFalse(ask("/slow", 300, false).allowed());
        assertTrue(ask("/slow", 300, true).allowed());
        // the bound is the configured timeout, not the OS's: generous margin for a loaded CI machine
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
        String closedPort = "http://127.0.0.1:1/x";
        assertFalse(ask(closedPort, 2000, false).allowed());
        assertTrue(ask(closedPort, 2000, true).allowed());
    }
}
