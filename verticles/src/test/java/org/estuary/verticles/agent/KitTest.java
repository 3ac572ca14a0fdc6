package org.estuary.verticles.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Request reading, the control error, find paging and record codecs of the agent kit. */
class KitTest {
    enum Transport { TCP, UDP }

    record Target(String host, int port) { }

    record StartRequest(String uri, boolean record, int width, long createdMs, Transport transport, Target target,
                        JsonObject options, Integer limit) {
        static StartRequest from(Body b) {
            return new StartRequest(b.required("uri"), b.bool("record", false), b.integer("width", 0), 0,
                    Transport.valueOf(b.string("transport", "tcp").toUpperCase()), null, b.object("options").json(), null);
        }
    }

    @Test
    void bodyReadsLenientValuesAndNamesTheBadField() {
        Body b = Body.of(new JsonObject().put("a", "true").put("n", "25").put("m", 7.0).put("x", 1.5).put("s", " hi "));
        assertTrue(b.bool("a", false));
        assertTrue(b.bool("absent", true));
        assertEquals(25, b.integer("n", 0));
        assertEquals(7, b.integer("m", 0));
        assertEquals(3, b.integer("absent", 3));
        assertEquals("hi", b.required("s"));
        ControlError e = assertThrows(ControlError.class, () -> b.integer("x", 0));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        ControlError missing = assertThrows(ControlError.class, () -> b.required("uri"));
        assertTrue(missing.getMessage().contains("'uri'"));
        assertEquals(400, assertThrows(ControlError.class, () -> b.object("s")).status());
        assertEquals("{}", Body.of((JsonObject) null).json().encode());
    }

    @Test
    void findFiltersAndPages() {
        Body q = Body.of(new JsonObject().put("status", "failed").put("offset", 1).put("size", 2));
        assertTrue(Find.eq(q, "uri", "anything"), "an absent field lets everything through");
        assertTrue(Find.eqIgnoreCase(q, "status", "FAILED"));
        assertFalse(Find.eq(q, "status", "FAILED"));
        assertEquals(List.of(2, 3), Find.page(List.of(1, 2, 3, 4), q));
        assertEquals(List.of(), Find.page(List.of(1), q));
        assertEquals(400, assertThrows(ControlError.class,
                () -> Find.page(List.of(1), Body.of(new JsonObject().put("offset", -1)))).status());
    }

    @Test
    void recordsSurviveTheWireForm() {
        StartRequest r = new StartRequest("rtsp://cam/1", true, 640, 1234567890123L, Transport.UDP,
                new Target("cam", 554), new JsonObject().put("k", new JsonArray().add(1)), 5);
        JsonObject json = Records.toJson(r);
        assertEquals("UDP", json.getString("transport"));
        assertEquals(554, json.getJsonObject("target").getInteger("port"));
        assertEquals(r, Records.fromJson(json, StartRequest.class));
        StartRequest sparse = Records.fromJson(new JsonObject().put("uri", "x"), StartRequest.class);
        assertFalse(sparse.record());
        assertNull(sparse.limit());
        assertNull(sparse.target());
    }

    @Test
    void recordCodecCarriesRecordsOverTheBus() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            RecordCodec.register(vertx.eventBus(), StartRequest.class);
            RecordCodec.register(vertx.eventBus(), StartRequest.class);   // twice is harmless
            StartRequest r = StartRequest.from(Body.of(new JsonObject().put("uri", "u").put("width", "320")));
            vertx.eventBus().<StartRequest>consumer("kit.test", m -> m.reply(m.body().width()));
            Object answer = vertx.eventBus().request("kit.test", r).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).body();
            assertEquals(320, answer);

            // the cluster path: the wire form
            RecordCodec<StartRequest> codec = RecordCodec.of(StartRequest.class);
            Buffer wire = Buffer.buffer().appendByte((byte) 9);
            codec.encodeToWire(wire, r);
            assertEquals(r, codec.decodeFromWire(1, wire));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void controlErrorCarriesItsStatus() {
        assertEquals(404, ControlError.notFound("x").status());
        assertEquals(409, ControlError.conflict("x").status());
        assertEquals(500, ControlError.internal("x").status());
        assertEquals(0, ControlError.badRequest("x").getStackTrace().length, "an answer, not a bug: no stack trace");
    }

    @Test
    void controlTurnsErrorsIntoStatusesOnRestAndPlainAddresses() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            new Control(vertx, org.slf4j.LoggerFactory.getLogger(KitTest.class))
                    .on("/kit/echo", (m, b) -> m.reply(b.required("name")))
                    .at("kit.node.1", (m, b) -> { throw ControlError.notFound("No such session: " + b.string("id")); })
                    .on("/kit/bug", (m, b) -> { throw new IllegalStateException("boom"); })
                    .ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            var bus = vertx.eventBus();
            String api = org.estuary.core.control.Addresses.api("/kit/echo");
            assertEquals("x", bus.request(api, new JsonObject().put("name", "x")).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).body());
            assertEquals(400, failure(bus.request(api, null)).failureCode(), "an absent body reads as {}");
            var notFound = failure(bus.request("kit.node.1", new JsonObject().put("id", 7)));
            assertEquals(404, notFound.failureCode());
            assertEquals("No such session: 7", notFound.getMessage());
            var bug = failure(bus.request(org.estuary.core.control.Addresses.api("/kit/bug"), new JsonObject()));
            assertEquals(500, bug.failureCode());
            assertTrue(bug.getMessage().contains("boom"), bug.getMessage());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static io.vertx.core.eventbus.ReplyException failure(io.vertx.core.Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (io.vertx.core.eventbus.ReplyException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}
