package org.estuary.verticles.stream;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ReplyEncoding;
import org.estuary.core.media.Codec;
import org.estuary.core.session.ClientConnection;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.SharedAnswers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The /stream/* and /connection/* consumers and the lifecycle events, over a real event bus. */
@ExtendWith(VertxExtension.class)
class StreamControlVerticleTest {
    private final StreamRegistry streams = new StreamRegistry(64, 100, 1 << 20);
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext ctx) {
        vertx.eventBus().<JsonObject>consumer(Addresses.STREAM_EVENTS, m -> events.add(m.body()));
        vertx.deployVerticle(new StreamControlVerticle(streams, connections, "node1@127.0.0.1"))
                .onComplete(ctx.succeedingThenComplete());
    }

    private static JsonArray call(Vertx vertx, String path, JsonObject body) throws Exception {
        Object r = vertx.eventBus().request(Addresses.api(path), body).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS).body();
        if (r instanceof io.vertx.core.buffer.Buffer b) {
            return new JsonArray(b); // find_all's pre-encoded answer
        }
        return r == null ? null : (JsonArray) r;
    }

    private static int failure(Vertx vertx, String path, JsonObject body) throws Exception {
        try {
            vertx.eventBus().request(Addresses.api(path), body).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return 200;
        } catch (java.util.concurrent.ExecutionException e) {
            return ((ReplyException) e.getCause()).failureCode();
        }
    }

    private void awaitEvents(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 3000;
        while (events.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void publishersAndPlayersAreListedWithReferenceFieldsAndFiltered(Vertx vertx) throws Exception {
        Stream s = streams.publish("cam1", new PublisherInfo("/1.1.1.1:5/2.2.2.2:1935", "live", "Flash", Map.of()), 10_000);
        s.describe(MediaDescription.EMPTY.withVideo(Codec.H264, 1280, 720, 30).withAudio(Codec.AAC, 48000, 2));
        s.addReader(new ReaderInfo("p1", "/3.3.3.3:6/2.2.2.2:1935", "live", "Flash", true), () -> { });
        s.addReader(ReaderInfo.internal("rec1", "recorder"), () -> { });
        JsonArray all = call(vertx, "/stream/find_all", new JsonObject());
        assertEquals(2, all.size(), "internal readers are not listed as players: " + all);
        JsonObject pub = all.getJsonObject(0);
        assertEquals("cam1", pub.getString("name"));
        assertTrue(pub.getBoolean("published"));
        assertEquals("PUBLISHING", pub.getString("status"));
        assertEquals("H264", pub.getString("videoCodec"));
        assertEquals("mpeg4-generic/48000/2", pub.getString("audioCodec"));
        assertEquals(1280, pub.getInteger("width"));
        assertEquals("node1@127.0.0.1", pub.getString("nodeId"));
        JsonObject player = all.getJsonObject(1);
        assertFalse(player.getBoolean("published"));
        assertEquals("PLAYING", player.getString("status"));
        assertEquals(s.mediaSessionId(), player.getString("parentMediaSessionId"));
        assertEquals(1, call(vertx, "/stream/find", new JsonObject().put("published", false)).size());
        assertEquals(1, call(vertx, "/stream/find", new JsonObject().put("appKey", "live").put("published", "true")).size());
        assertEquals(404, failure(vertx, "/stream/find", new JsonObject().put("name", "nope")));
    }

    @Test
    void findAllIsGzippedOnceForClientsThatAcceptIt(Vertx vertx) throws Exception {
        for (int i = 0; i < 50; i++) {
            streams.publish("gz" + i, new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        }
        var accepts = new io.vertx.core.eventbus.DeliveryOptions().addHeader(ReplyEncoding.ACCEPTS_GZIP, "true");
        var first = vertx.eventBus().<Buffer>request(Addresses.api("/stream/find_all"), new JsonObject(), accepts)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(ReplyEncoding.GZIP, first.headers().get(ReplyEncoding.CONTENT_ENCODING));
        JsonArray unpacked;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(first.body().getBytes()))) {
            unpacked = new JsonArray(Buffer.buffer(in.readAllBytes()));
        }
        JsonArray plain = call(vertx, "/stream/find_all", new JsonObject());
        assertEquals(50, unpacked.size());
        assertEquals(plain.encode().length(), unpacked.encode().length(), "the same answer, compressed");
        assertTrue(first.body().length() * 5 < plain.toBuffer().length(),
                first.body().length() + " compressed bytes for " + plain.toBuffer().length());
    }

    @Test
    void aSharedFindAllShowsATrackFallingSilentAndComingBackWhenItHappens(Vertx vertx) throws Exception {
        Stream s = streams.publish("quiet", new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        s.publish(org.estuary.core.media.Frame.media(Codec.AAC, 0, 0, true, new byte[] {1}));
        JsonObject audio = call(vertx, "/stream/find_all", new JsonObject()).getJsonObject(0).getJsonObject("audioState");
        assertFalse(audio.getBoolean("muted"), "audio just arrived");
        // no event tells that a track went silent: the shared answer is rebuilt when it would, and
        // (wall-clock bound) it is asked for a while after Stream.SILENT_AFTER_MS past the frame
        long end = System.currentTimeMillis() + Stream.SILENT_AFTER_MS + 5_000;
        while (!call(vertx, "/stream/find_all", new JsonObject()).getJsonObject(0).getJsonObject("audioState").getBoolean("muted")) {
            assertTrue(System.currentTimeMillis() < end, "audio never shown muted");
            Thread.sleep(100);
        }
        s.publish(org.estuary.core.media.Frame.media(Codec.AAC, 20_000, 20_000, true, new byte[] {2}));
        assertFalse(call(vertx, "/stream/find_all", new JsonObject()).getJsonObject(0).getJsonObject("audioState").getBoolean("muted"),
                "audio back: shown in the very next answer");
    }

    @Test
    void theRestLayerGetsTheSharedFindAllOnlyWhileTheVerticleWouldSendItUnchanged(Vertx vertx) throws Exception {
        // what ApiRequestHandler sends from its event loop without asking the verticle (SharedAnswers)
        SharedAnswers.Answer shared = SharedAnswers.of(vertx).get("/stream/find_all");
        assertNotNull(shared, "published at start");
        Stream s = streams.publish("direct", new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        assertNull(shared.current(false), "nothing built yet: the request goes to the verticle");
        assertEquals(1, call(vertx, "/stream/find_all", new JsonObject()).size());
        assertEquals(1, new JsonArray(shared.current(false)).size(), "the verticle's answer, shared");
        assertNull(shared.current(true), "no gzip copy until a client that accepts gzip asked the verticle");
        var accepts = new io.vertx.core.eventbus.DeliveryOptions().addHeader(ReplyEncoding.ACCEPTS_GZIP, "true");
        vertx.eventBus().request(Addresses.api("/stream/find_all"), new JsonObject(), accepts)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(shared.current(true).getBytes()))) {
            assertEquals(1, new JsonArray(Buffer.buffer(in.readAllBytes())).size());
        }
        // every change the verticle would rebuild for withdraws the shared answer at once
        var r = s.addReader(new ReaderInfo("direct-p", "", "live", "Flash", true), () -> { });
        assertNull(shared.current(false), "a new player: the next request asks the verticle");
        assertEquals(2, call(vertx, "/stream/find_all", new JsonObject()).size());
        assertEquals(2, new JsonArray(shared.current(false)).size());
        s.setRecording(true);
        assertNull(shared.current(false), "a listed flag changed");
        call(vertx, "/stream/find_all", new JsonObject());
        r.close();
        assertNull(shared.current(false), "a player left");
        call(vertx, "/stream/find_all", new JsonObject());
        assertNotNull(shared.current(false));
        Thread.sleep(FindAllSnapshot.MAX_AGE_MS + 50);
        assertNull(shared.current(false), "older than MAX_AGE_MS: rebuilt for the counters");
        s.end("Unpublished");
        assertEquals(404, failure(vertx, "/stream/find_all", new JsonObject()));
        assertNull(shared.current(false), "no streams: the verticle answers 404");
    }

    @Test
    void findAllSharesItsAnswerOnlyWhileNothingButCountersChanged(Vertx vertx) throws Exception {
        Stream s = streams.publish("snap", new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        assertEquals(1, call(vertx, "/stream/find_all", new JsonObject()).size());
        // a player joining, the recording flag and the description each show in the very next answer
        var r = s.addReader(new ReaderInfo("snap-p", "", "live", "Flash", true), () -> { });
        assertEquals(2, call(vertx, "/stream/find_all", new JsonObject()).size(), "a new player is listed at once");
        s.setRecording(true);
        assertTrue(call(vertx, "/stream/find_all", new JsonObject()).getJsonObject(0).getBoolean("record"));
        s.describe(MediaDescription.EMPTY.withVideo(Codec.H264, 320, 240, 25));
        assertEquals(320, call(vertx, "/stream/find_all", new JsonObject()).getJsonObject(0).getInteger("width"));
        r.close();
        assertEquals(1, call(vertx, "/stream/find_all", new JsonObject()).size(), "a player that left is gone at once");
        s.end("Unpublished");
        assertEquals(404, failure(vertx, "/stream/find_all", new JsonObject()));
    }

    @Test
    void findOfOneNameAmongManyBuildsOnlyItsOwn(Vertx vertx) throws Exception {
        for (int i = 0; i < 200; i++) {
            streams.publish("many" + i, new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        }
        JsonArray one = call(vertx, "/stream/find", new JsonObject().put("name", "many77"));
        assertEquals(1, one.size());
        assertEquals("many77", one.getJsonObject(0).getString("name"));
        String id = one.getJsonObject(0).getString("mediaSessionId");
        assertEquals("many77", call(vertx, "/stream/find", new JsonObject().put("mediaSessionId", id))
                .getJsonObject(0).getString("name"));
        assertEquals(404, failure(vertx, "/stream/find", new JsonObject().put("name", "many77").put("mediaSessionId", "other")));
    }

    @Test
    void terminateEndsPublishersAndAsksPlayersToStop(Vertx vertx) throws Exception {
        Stream s = streams.publish("cam2", new PublisherInfo("", "live", "Flash", Map.of()), 10_000);
        AtomicInteger kicked = new AtomicInteger();
        s.onTerminate(kicked::incrementAndGet);
        var r = s.addReader(new ReaderInfo("p2", "", "live", "Flash", true), () -> { });
        AtomicInteger playerKicked = new AtomicInteger();
        r.onTerminate(() -> {
            playerKicked.incrementAndGet();
            r.close(); // what a real player's owner does
        });
        assertNull(call(vertx, "/stream/terminate", new JsonObject().put("mediaSessionId", "p2")));
        assertEquals(1, playerKicked.get());
        assertFalse(s.isEnded(), "terminating a player leaves the publisher");
        assertNull(call(vertx, "/stream/terminate", new JsonObject().put("mediaSessionIds", new JsonArray().add(s.mediaSessionId()))));
        assertEquals(1, kicked.get());
        assertTrue(s.isEnded());
        assertEquals("Stopped by rest /terminate", s.endReason());
        assertEquals(404, failure(vertx, "/stream/terminate", new JsonObject().put("name", "cam2")));
        assertEquals(400, failure(vertx, "/stream/terminate", new JsonObject()), "no filter: refuse to end everything");
    }

    @Test
    void lifecycleEventsArePublished(Vertx vertx) throws Exception {
        Stream a = streams.publish("ev1", new PublisherInfo("", "", "Flash", Map.of()), 10_000);
        a.end("Unpublished");
        Stream b = streams.publish("ev2", new PublisherInfo("", "", "Flash", Map.of()), 10_000);
        b.fail("protocol error");
        awaitEvents(4);
        assertEquals(List.of("published", "unpublished", "published", "failed"),
                events.stream().map(e -> e.getString("event")).toList());
        assertEquals("protocol error", events.get(3).getString("info"));
        assertEquals(b.mediaSessionId(), events.get(3).getString("mediaSessionId"));
    }

    @Test
    void connectionsAreListedAndTerminated(Vertx vertx) throws Exception {
        AtomicInteger closed = new AtomicInteger();
        connections.add(new ClientConnection("/1.1.1.1:5/2.2.2.2:1935", "live", "RTMP", "FMLE/3.0", 1, closed::incrementAndGet));
        JsonArray all = call(vertx, "/connection/find_all", new JsonObject());
        assertEquals("Flash", all.getJsonObject(0).getString("mediaProvider"));
        assertEquals(1, call(vertx, "/connection/find", new JsonObject().put("appKey", "live")).size());
        assertEquals(404, failure(vertx, "/connection/find", new JsonObject().put("appKey", "other")));
        assertNull(call(vertx, "/connection/terminate", new JsonObject().put("sessionId", "/1.1.1.1:5/2.2.2.2:1935")));
        assertEquals(1, closed.get());
        assertEquals(404, failure(vertx, "/connection/terminate", new JsonObject().put("sessionId", "/9.9.9.9:1/2.2.2.2:1935")));
    }
}
