package org.estuary.verticles.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicReference;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Router behaviour over real HTTP against a RestVerticle on a free port. */
@ExtendWith(VertxExtension.class)
class RestVerticleTest {
    private static final String ORIGIN = "https://console.example";
    private static final long MAX_BODY = 4096;

    private Vertx vertx;
    // held in a field: a WebClient nobody references can be collected mid-test
    private WebClient client;
    private int port;

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext tc) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        RestVerticle rest = new RestVerticle(0, "127.0.0.1", ORIGIN, MAX_BODY)
            .addRoutes(r -> r.get("/health").handler(ctx -> ctx.response().end("ok")));
        vertx.deployVerticle(rest).onComplete(tc.succeeding(id -> {
            port = rest.actualPort();
            tc.completeNow();
        }));
    }

    private Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String body) {
        var request = client.request(method, port, "127.0.0.1", path);
        // a CORS origin list is configured, so POSTs must say they are JSON (RestSecurity)
        return body == null ? request.send()
                : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
    }

    private static void assertJsonError(HttpResponse<Buffer> r, int status) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        assertEquals(ORIGIN, r.getHeader("Access-Control-Allow-Origin"));
        JsonObject body = r.bodyAsJsonObject();
        assertEquals(status, body.getInteger("status"));
        assertTrue(body.getString("error").length() > 0);
        assertTrue(body.getString("message").length() > 0);
        assertTrue(!r.bodyAsString().contains("\tat "), "no stack trace");
    }

    @Test
    void methodWithoutConsumerAnswers501NamingIt(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/call/startup", "{\"callId\":\"c1\",\"callee\":\"bob\"}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 501);
                JsonObject body = r.bodyAsJsonObject();
                assertEquals("Not Implemented", body.getString("error"));
                assertEquals("/call/startup", body.getString("method"));
                assertEquals("/call/startup is not implemented yet in this Estuary version", body.getString("message"));
                tc.completeNow();
            })));
    }

    @Test
    void consumerReplyArrayIs200WithIt(VertxTestContext tc) {
        JsonArray streams = new JsonArray().add(new JsonObject().put("name", "cam1"));
        vertx.eventBus().consumer(Addresses.api("/stream/find_all"), m -> m.reply(streams));
        send(HttpMethod.POST, "/rest-api/stream/find_all", "{}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals("application/json", r.getHeader("Content-Type"));
                assertEquals(ORIGIN, r.getHeader("Access-Control-Allow-Origin"));
                assertEquals(streams, r.bodyAsJsonArray());
                tc.completeNow();
            })));
    }

    @Test
    void aGzipAnswerGoesOnlyToClientsThatAcceptIt(VertxTestContext tc) throws Exception {
        byte[] json = "[{\"name\":\"cam1\"}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var packed = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(packed)) {
            gz.write(json);
        }
        // the verticle sees whether the client accepts gzip and answers compressed only then
        vertx.eventBus().consumer(Addresses.api("/stream/find_all"), m -> {
            if ("true".equals(m.headers().get(org.estuary.core.control.ReplyEncoding.ACCEPTS_GZIP))) {
                m.reply(Buffer.buffer(packed.toByteArray()), new io.vertx.core.eventbus.DeliveryOptions()
                    .addHeader(org.estuary.core.control.ReplyEncoding.CONTENT_ENCODING, "gzip"));
            } else {
                m.reply(Buffer.buffer(json));
            }
        });
        client.request(HttpMethod.GET, port, "127.0.0.1", "/rest-api/stream/find_all")
            .putHeader("Accept-Encoding", "br;q=1.0, gzip;q=0.8").send()
            .compose(zipped -> {
                tc.verify(() -> {
                    assertEquals(200, zipped.statusCode());
                    assertEquals("gzip", zipped.getHeader("Content-Encoding"));
                    assertEquals("Accept-Encoding", zipped.getHeader("Vary"));
                    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body().getBytes()))) {
                        assertEquals(new JsonArray(Buffer.buffer(json)), new JsonArray(Buffer.buffer(in.readAllBytes())));
                    }
                });
                return client.request(HttpMethod.GET, port, "127.0.0.1", "/rest-api/stream/find_all")
                    .putHeader("Accept-Encoding", "gzip;q=0, identity").send();
            })
            .onComplete(tc.succeeding(plain -> tc.verify(() -> {
                assertNull(plain.getHeader("Content-Encoding"));
                assertEquals(new JsonArray(Buffer.buffer(json)), plain.bodyAsJsonArray());
                tc.completeNow();
            })));
    }

    @Test
    void aSharedAnswerIsSentWithoutTheEventBusOnlyWhileCurrentAndAfterTheChecks(VertxTestContext tc) throws Exception {
        Buffer json = Buffer.buffer("[{\"name\":\"shared\"}]");
        Buffer zipped = Buffer.buffer(new byte[] {31, -117, 8, 0}); // not inflated here: only passed through
        AtomicReference<Boolean> current = new AtomicReference<>(true);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        org.estuary.verticles.agent.SharedAnswers.publish(vertx, "/stream/find_all",
            gzip -> !current.get() ? null : gzip ? zipped : json);
        vertx.eventBus().consumer(Addresses.api("/stream/find_all"), m -> {
            asked.incrementAndGet();
            m.reply(Buffer.buffer("[{\"name\":\"rebuilt\"}]"));
        });
        send(HttpMethod.POST, "/rest-api/stream/find_all", "{}")
            .compose(shared -> {
                tc.verify(() -> {
                    assertEquals(200, shared.statusCode());
                    assertEquals("application/json", shared.getHeader("Content-Type"));
                    assertEquals(ORIGIN, shared.getHeader("Access-Control-Allow-Origin"), "after CORS");
                    assertEquals("shared", shared.bodyAsJsonArray().getJsonObject(0).getString("name"));
                    assertEquals(0, asked.get(), "no event-bus request");
                });
                return client.request(HttpMethod.POST, port, "127.0.0.1", "/rest-api/stream/find_all")
                    .putHeader("Content-Type", "application/json").putHeader("Accept-Encoding", "gzip")
                    .sendBuffer(Buffer.buffer("{}"));
            })
            .compose(gz -> {
                tc.verify(() -> {
                    assertEquals("gzip", gz.getHeader("Content-Encoding"));
                    assertEquals("Accept-Encoding", gz.getHeader("Vary"));
                    assertEquals(zipped, gz.body());
                });
                return send(HttpMethod.POST, "/rest-api/stream/find_all", "{\"broken\"");
            })
            .compose(malformed -> {
                tc.verify(() -> assertJsonError(malformed, 400)); // the body is still validated first
                current.set(false); // the verticle would rebuild: the request goes to it
                return send(HttpMethod.POST, "/rest-api/stream/find_all", "{}");
            })
            .onComplete(tc.succeeding(asks -> tc.verify(() -> {
                assertEquals("rebuilt", asks.bodyAsJsonArray().getJsonObject(0).getString("name"));
                assertEquals(1, asked.get());
                tc.completeNow();
            })));
    }

    @Test
    void aSharedAnswerIsNotSentWithoutCredentials(Vertx vertx, VertxTestContext tc) {
        RestVerticle guarded = new RestVerticle(0, "127.0.0.1", ORIGIN, MAX_BODY)
            .security(new RestSecurity(org.estuary.core.config.RestAuth.BASIC, java.util.List.of("admin:pw"),
                java.util.List.of(), false, ORIGIN));
        org.estuary.verticles.agent.SharedAnswers.publish(vertx, "/stream/find_all", gzip -> Buffer.buffer("[]"));
        vertx.deployVerticle(guarded)
            .compose(id -> client.request(HttpMethod.POST, guarded.actualPort(), "127.0.0.1", "/rest-api/stream/find_all")
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}")))
            .compose(refused -> {
                tc.verify(() -> assertJsonError(refused, 401));
                return client.request(HttpMethod.POST, guarded.actualPort(), "127.0.0.1", "/rest-api/stream/find_all")
                    .putHeader("Content-Type", "application/json").basicAuthentication("admin", "pw")
                    .sendBuffer(Buffer.buffer("{}"));
            })
            .onComplete(tc.succeeding(ok -> tc.verify(() -> {
                assertEquals(200, ok.statusCode());
                assertEquals("[]", ok.bodyAsString());
                tc.completeNow();
            })));
    }

    @Test
    void getOnParameterlessMethodWorksWithoutBody(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/stream/find_all"), m -> m.reply(new JsonArray().add(1)));
        send(HttpMethod.GET, "/rest-api/stream/find_all", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals(new JsonArray().add(1), r.bodyAsJsonArray());
                tc.completeNow();
            })));
    }

    @Test
    void bodyIsForwardedWithExtraFields(VertxTestContext tc) {
        AtomicReference<Object> seen = new AtomicReference<>();
        vertx.eventBus().consumer(Addresses.api("/stream/find"), m -> {
            seen.set(m.body());
            m.reply(new JsonObject().put("ok", true));
        });
        JsonObject sent = new JsonObject().put("name", "cam1").put("published", true).put("extra", "x");
        send(HttpMethod.POST, "/rest-api/stream/find", sent.encode())
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals(sent, seen.get());
                assertEquals(new JsonObject().put("ok", true), r.bodyAsJsonObject());
                tc.completeNow();
            })));
    }

    @Test
    void consumerFailure404IsPassedThrough(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/stream/find"),
            m -> m.fail(ApiStatus.NOT_FOUND, "Stream not found: cam1"));
        send(HttpMethod.POST, "/rest-api/stream/find", "{\"name\":\"cam1\"}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 404);
                assertEquals("Not Found", r.bodyAsJsonObject().getString("error"));
                assertEquals("Stream not found: cam1", r.bodyAsJsonObject().getString("message"));
                tc.completeNow();
            })));
    }

    @Test
    void consumerFailureWithNonHttpCodeIs500(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/stream/find"), m -> m.fail(7, "odd"));
        send(HttpMethod.POST, "/rest-api/stream/find", "{}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 500);
                tc.completeNow();
            })));
    }

    @Test
    void emptyReplyIs200WithEmptyBody(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/stream/terminate"), m -> m.reply(null));
        send(HttpMethod.POST, "/rest-api/stream/terminate", "{\"name\":\"cam1\"}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals("0", r.getHeader("Content-Length"));
                assertNull(r.body());
                tc.completeNow();
            })));
    }

    @Test
    void aliasForwardsToCanonicalAddress(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/mpepts/find_all"), m -> m.reply(new JsonArray()));
        send(HttpMethod.GET, "/rest-api/mpegts/find_all", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals(new JsonArray(), r.bodyAsJsonArray());
                tc.completeNow();
            })));
    }

    @Test
    void malformedJsonIs400(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/stream/find", "{\"name\": ")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 400);
                assertTrue(r.bodyAsJsonObject().getString("message").startsWith("Malformed JSON: "));
                tc.completeNow();
            })));
    }

    @Test
    void jsonArrayBodyIs400(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/stream/find", "[1,2]")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 400);
                assertTrue(r.bodyAsJsonObject().getString("message").startsWith("Malformed JSON: "));
                tc.completeNow();
            })));
    }

    @Test
    void missingRequiredFieldIs400NamingIt(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/stream/snapshot", "")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 400);
                assertEquals("Missing required field 'streamName'", r.bodyAsJsonObject().getString("message"));
                assertEquals("streamName", r.bodyAsJsonObject().getString("field"));
                tc.completeNow();
            })));
    }

    @Test
    void wrongTypeIs400NamingFieldAndType(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/push/startup", "{\"streamName\":\"s\",\"rtmpUrl\":\"rtmp://h/a\",\"options\":5}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 400);
                JsonObject body = r.bodyAsJsonObject();
                assertEquals("options", body.getString("field"));
                assertEquals("object", body.getString("expected"));
                assertTrue(body.getString("message").contains("'options'"));
                tc.completeNow();
            })));
    }

    @Test
    void stringFlagsAreAcceptedWhereReferenceClientsSendThem(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/call/startup"), m -> m.reply(null));
        send(HttpMethod.POST, "/rest-api/call/startup",
            "{\"callId\":\"c\",\"callee\":\"b\",\"hasAudio\":\"true\",\"sipPort\":\"5060\"}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                tc.completeNow();
            })));
    }

    @Test
    void getOnMethodWithParamsIs405(VertxTestContext tc) {
        send(HttpMethod.GET, "/rest-api/stream/snapshot", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 405);
                assertEquals("POST, OPTIONS", r.getHeader("Allow"));
                tc.completeNow();
            })));
    }

    @Test
    void putIs405(VertxTestContext tc) {
        send(HttpMethod.PUT, "/rest-api/stream/find_all", "{}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 405);
                tc.completeNow();
            })));
    }

    @Test
    void optionsPreflightIs204WithCors(VertxTestContext tc) {
        send(HttpMethod.OPTIONS, "/rest-api/stream/find", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(204, r.statusCode());
                assertEquals(ORIGIN, r.getHeader("Access-Control-Allow-Origin"));
                assertEquals("GET, POST, OPTIONS", r.getHeader("Access-Control-Allow-Methods"));
                assertEquals("Content-Type, Authorization", r.getHeader("Access-Control-Allow-Headers"));
                tc.completeNow();
            })));
    }

    @Test
    void unknownPathIs404NamingIt(VertxTestContext tc) {
        send(HttpMethod.POST, "/rest-api/stream/nope", "{}")
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 404);
                assertEquals("/rest-api/stream/nope", r.bodyAsJsonObject().getString("path"));
                assertTrue(r.bodyAsJsonObject().getString("message").contains("/rest-api/stream/nope"));
                tc.completeNow();
            })));
    }

    @Test
    void pathOutsideTheApiIs404Json(VertxTestContext tc) {
        send(HttpMethod.GET, "/nowhere", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 404);
                tc.completeNow();
            })));
    }

    @Test
    void oversizedBodyIs413Json(VertxTestContext tc) {
        String big = "{\"name\":\"" + "x".repeat((int) MAX_BODY) + "\"}";
        send(HttpMethod.POST, "/rest-api/stream/find", big)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertJsonError(r, 413);
                tc.completeNow();
            })));
    }

    @Test
    void openApiDocumentIsServed(VertxTestContext tc) {
        send(HttpMethod.GET, "/rest-api/openapi.yaml", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertTrue(r.getHeader("Content-Type").startsWith("application/yaml"));
                assertTrue(r.bodyAsString().contains("openapi: 3.0.3"));
                assertTrue(r.bodyAsString().contains("/stream/find_all:"));
                tc.completeNow();
            })));
    }

    @Test
    void extraRoutesAreMounted(VertxTestContext tc) {
        send(HttpMethod.GET, "/health", null)
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(200, r.statusCode());
                assertEquals("ok", r.bodyAsString());
                tc.completeNow();
            })));
    }

    @Test
    void addRoutesAfterStartIsRefused() {
        RestVerticle started = new RestVerticle(0, "127.0.0.1", "*", 1024);
        vertx.deployVerticle(started).await();
        try {
            started.addRoutes(r -> { });
            throw new AssertionError("expected IllegalStateException");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("before deployment"));
        }
    }

    @Test
    void silentConsumerTimesOutWith504(VertxTestContext tc) {
        vertx.eventBus().consumer(Addresses.api("/stream/find_all"), m -> { });
        RestVerticle quick = new RestVerticle(0, "127.0.0.1", "*", 1024).sendTimeoutMs(200);
        vertx.deployVerticle(quick)
            .compose(id -> client.get(quick.actualPort(), "127.0.0.1", "/rest-api/stream/find_all").send())
            .onComplete(tc.succeeding(r -> tc.verify(() -> {
                assertEquals(504, r.statusCode());
                assertEquals("*", r.getHeader("Access-Control-Allow-Origin"));
                assertEquals(504, r.bodyAsJsonObject().getInteger("status"));
                tc.completeNow();
            })));
    }
}
