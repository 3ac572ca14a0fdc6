package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /stream/terminate} and {@code /connection/terminate} end real clients: the ffmpeg
 * processes exit, and REST stops listing what was terminated.
 */
class StreamTerminateTest {
    /** How long a terminated ffmpeg may take to notice and exit. */
    private static final long EXIT_SECONDS = 10;
    private static final String SESSION_ID = "/127\\.0\\.0\\.1:\\d+/127\\.0\\.0\\.1:\\d+";

    private static EstuaryProcess server;
    private final List<Process> peers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("stream-terminate");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    @AfterEach
    void stopPeers() throws Exception {
        for (Process p : peers) {
            Ffmpeg.stop(p);
        }
    }

    private Process publish(String name) throws Exception {
        Process p = Ffmpeg.publish(server.rtmpUrl(name), "640x360", 25, 0, log(name + "-publisher"));
        peers.add(p);
        return p;
    }

    private Process play(String name, int n) throws Exception {
        Process p = Ffmpeg.play(server.rtmpUrl(name), log(name + "-player" + n));
        peers.add(p);
        return p;
    }

    private static Path log(String name) {
        return EstuaryProcess.logDir().resolve("stream-terminate-" + name + ".log");
    }

    private static void assertExits(Process p, String what) throws InterruptedException {
        assertTrue(p.waitFor(EXIT_SECONDS, TimeUnit.SECONDS), what + " still running " + EXIT_SECONDS + " s after terminate");
    }

    private static void assertStreamGone(String name) throws Exception {
        EstuaryProcess.Http r = Await.value(Duration.ofSeconds(5), name + " to disappear", () -> {
            EstuaryProcess.Http h = server.post("/stream/find", new JsonObject().put("name", name));
            return h.status() == 404 ? h : null;
        });
        assertTrue(r.isJson(), r.toString());
        assertEquals(404, r.json().getInteger("status"), r.toString());
        assertFalse(r.json().getString("message", "").isBlank(), r.toString());
    }

    @Test
    void terminateByNameEndsPublisherAndPlayer() throws Exception {
        Process publisher = publish("byname");
        StreamApi.awaitPublished(server, "byname");
        Process player = play("byname", 1);
        StreamApi.awaitPlayers(server, "byname", 1);

        EstuaryProcess.Http r = server.post("/stream/terminate", new JsonObject().put("name", "byname"));
        assertEquals(200, r.status(), r.toString());

        assertExits(publisher, "publisher");
        assertExits(player, "player");
        assertStreamGone("byname");
        assertTrue(server.logText().contains("Terminating stream byname"), "server log names the terminate");
    }

    @Test
    void terminateByMediaSessionIdString() throws Exception {
        Process publisher = publish("bymsid");
        String id = StreamApi.awaitPublished(server, "bymsid").getString("mediaSessionId");

        EstuaryProcess.Http r = server.post("/stream/terminate", new JsonObject().put("mediaSessionId", id));
        assertEquals(200, r.status(), r.toString());

        assertExits(publisher, "publisher");
        assertStreamGone("bymsid");
    }

    @Test
    void terminateByListOfMediaSessionIdsEndsEachListedStreamOnly() throws Exception {
        Process a = publish("lista");
        Process b = publish("listb");
        Process keep = publish("listkeep");
        String idA = StreamApi.awaitPublished(server, "lista").getString("mediaSessionId");
        String idB = StreamApi.awaitPublished(server, "listb").getString("mediaSessionId");
        StreamApi.awaitPublished(server, "listkeep");

        EstuaryProcess.Http r = server.post("/stream/terminate",
                new JsonObject().put("mediaSessionIds", new JsonArray().add(idA).add(idB)));
        assertEquals(200, r.status(), r.toString());

        assertExits(a, "publisher a");
        assertExits(b, "publisher b");
        assertStreamGone("lista");
        assertStreamGone("listb");
        assertTrue(keep.isAlive(), "an unlisted publisher keeps running");
        assertNotNull(StreamApi.publisher(server, "listkeep"), "an unlisted stream stays");
    }

    @Test
    void terminatingOnePlayerStopsOnlyThatPlayer() throws Exception {
        Process publisher = publish("oneplayer");
        StreamApi.awaitPublished(server, "oneplayer");
        Process first = play("oneplayer", 1);
        Process second = play("oneplayer", 2);
        List<JsonObject> players = StreamApi.awaitPlayers(server, "oneplayer", 2);

        // REST does not say which process is behind which entry; what a user observes is that exactly one exits.
        String victim = players.get(0).getString("mediaSessionId");
        String survivor = players.get(1).getString("mediaSessionId");
        EstuaryProcess.Http r = server.post("/stream/terminate", new JsonObject().put("mediaSessionId", victim));
        assertEquals(200, r.status(), r.toString());

        Await.until(Duration.ofSeconds(EXIT_SECONDS), "one player to exit", () -> !first.isAlive() || !second.isAlive());
        Thread.sleep(1500); // give a wrongly terminated second player the time to exit too
        assertTrue(first.isAlive() ^ second.isAlive(), "exactly one player exited");
        assertTrue(publisher.isAlive(), "the publisher keeps running");
        List<JsonObject> left = StreamApi.players(server, "oneplayer");
        assertEquals(1, left.size(), left.toString());
        assertEquals(survivor, left.get(0).getString("mediaSessionId"));
        assertEquals("PLAYING", left.get(0).getString("status"));
        assertNotNull(StreamApi.publisher(server, "oneplayer"));
    }

    @Test
    void unknownStreamIsNotFoundJson() throws Exception {
        for (JsonObject q : List.of(new JsonObject().put("name", "no-such-stream"),
                new JsonObject().put("mediaSessionId", "no-such-id"),
                new JsonObject().put("mediaSessionIds", new JsonArray().add("x").add("y")))) {
            EstuaryProcess.Http r = server.post("/stream/terminate", q);
            assertEquals(404, r.status(), q + " -> " + r);
            assertTrue(r.isJson(), r.toString());
            assertEquals(404, r.json().getInteger("status"));
            assertTrue(r.json().getString("message").contains("not found"), r.toString());
        }
    }

    @Test
    void connectionsAreListedAndTerminateDropsThatClient() throws Exception {
        Process publisher = publish("conn");
        JsonObject stream = StreamApi.awaitPublished(server, "conn");
        Process bystander = publish("connother");
        StreamApi.awaitPublished(server, "connother");
        String sessionId = stream.getString("sessionId");
        assertTrue(sessionId.matches(SESSION_ID), sessionId);

        List<JsonObject> conns = StreamApi.connections(server);
        JsonObject mine = conns.stream().filter(c -> sessionId.equals(c.getString("sessionId"))).findFirst()
                .orElseThrow(() -> new AssertionError("publisher's connection not listed: " + conns));
        assertEquals("live", mine.getString("appKey"));
        for (JsonObject c : conns) {
            assertTrue(c.getString("sessionId").matches(SESSION_ID), c.toString());
            assertEquals("live", c.getString("appKey"), c.toString());
        }

        EstuaryProcess.Http r = server.post("/connection/terminate", new JsonObject().put("sessionId", sessionId));
        assertEquals(200, r.status(), r.toString());
        assertExits(publisher, "the terminated connection's publisher");
        assertStreamGone("conn");
        Await.until(Duration.ofSeconds(5), "the connection to leave the list", () ->
                StreamApi.connections(server).stream().noneMatch(c -> sessionId.equals(c.getString("sessionId"))));
        assertTrue(bystander.isAlive(), "other clients stay connected");
        assertNotNull(StreamApi.publisher(server, "connother"));

        EstuaryProcess.Http unknown = server.post("/connection/terminate", new JsonObject().put("sessionId", sessionId));
        assertEquals(404, unknown.status(), unknown.toString());
        assertTrue(unknown.isJson(), unknown.toString());
    }
}
