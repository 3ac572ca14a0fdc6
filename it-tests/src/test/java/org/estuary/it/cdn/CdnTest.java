package org.estuary.it.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.estuary.cluster.ClusterBootstrap;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NodePackages;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three server JVMs on loopback in one Hazelcast cluster: two origins and an edge. ffmpeg publishes to an
 * origin, ffmpeg/ffprobe play from the edge, which pulls the stream over one relay; then the origin is killed
 * (-9) and the stream is published again on the other origin. The JVMs are shared by the ordered test methods
 * (each builds on the state the previous one left) to keep the class within its time budget.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdnTest {
    private static final String STREAM = "cdnlive";
    private static EstuaryProcess origin1;
    private static EstuaryProcess origin2;
    private static EstuaryProcess edge;
    private static Process publisher;
    private static final List<Process> players = new ArrayList<>();
    private static final int BRIDGE_PORT = Ports.free();
    private static final int EDGE_HLS_PORT = Ports.free();
    private static final int SOCKJS_PORT = Ports.free();
    /** The SockJS subscriber's npm folder, installed (npm ci, when missing) while the JVMs start. */
    private static CompletableFuture<Path> sockJsClient;
    /**
     * Waits that only bound how long a correct server may take on the shared CI machine: with a load average
     * near 40 on 2 cores an ffmpeg start alone was seen to take 14 s. Timing claims use their own bounds.
     */
    private static final Duration LOADED = Duration.ofSeconds(90);

    @BeforeAll
    static void startCluster() throws Exception {
        sockJsClient = CompletableFuture.supplyAsync(() -> {
            try {
                return NodePackages.installed("sockjs", "node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js", 300);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String cluster = "cdn-" + UUID.randomUUID(); // keeps this cluster apart from any other on the machine
        int[] hz = {Ports.free(), Ports.free(), Ports.free()};
        String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
        // One after the other: three JVMs joining at once on the loaded shared machine were seen to need more
        // than the server's start-up limit of the time, 120 s (Hazelcast join plus partition migration; now
        // node.startupTimeoutMs, 180 s), and so were two
        // (edge and origin2 together after origin1, at a load average of 40).
        origin1 = start("cdn-origin1", cluster, hz[0], members, "origin");
        // the edge forwards its publishers' streams to an origin (cdn.edgePublish: relay; ClusterTest covers the
        // default, origin, and refuse)
        edge = start("cdn-edge", cluster, hz[1], members, "edge", "cdn.bridgeEnabled=true", "cdn.bridgePort=" + BRIDGE_PORT,
                "cdn.sockJsPort=" + SOCKJS_PORT, "hls.port=" + EDGE_HLS_PORT, "cdn.edgePublish=relay");
        // origin2 also makes profile renditions (a transcoder node besides origin1, the stream's first origin), and
        // its relays (of sources, and of streams its players ask for) go through the edge: an edge -> edge chain
        origin2 = start("cdn-origin2", cluster, hz[2], members, "origin,transcoder", "cdn.relayVia=cdn-edge");
    }

    private static EstuaryProcess start(String name, String cluster, int port, String members, String role,
                                        String... more) {
        List<String> sets = new ArrayList<>(List.of("cluster.enabled=true", "cluster.name=" + cluster,
                "cluster.host=127.0.0.1", "cluster.port=" + port, "cluster.members=" + members,
                "cluster.eventBusPort=" + Ports.free(), "cluster.role=" + role, "node.id=" + name,
                // the CPU threshold would make nodes of this shared, loaded test machine PASSIVE at random
                "cdn.cpuThresholdPercent=0", "cdn.relayLingerMs=1000", "cdn.loadRefreshMs=1000",
                // a player of a rendition waits for a relay from the origin to the transcoder node (here through the
                // edge), an FFmpeg encoder start and a relay to the edge: seen near 10 s on the loaded shared machine
                // (5 s default) and 37 s at a load average of 70
                "rtmp.playWaitTimeoutMs=60000"));
        sets.addAll(List.of(more));
        try {
            return EstuaryProcess.start(name, sets.toArray(String[]::new));
        } catch (Exception ex) {
            throw new IllegalStateException(name + " did not start", ex);
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Process p : players) {
            Ffmpeg.stop(p);
        }
        Ffmpeg.stop(publisher);
        for (EstuaryProcess n : new EstuaryProcess[] {edge, origin2, origin1}) {
            if (n != null) {
                n.stop();
            }
        }
    }

    private static JsonArray showNodes(EstuaryProcess node) throws Exception {
        EstuaryProcess.Http r = node.post("/cdn/show_nodes", "");
        assertEquals(200, r.status(), r.toString());
        return r.array();
    }

    private static JsonObject node(JsonArray nodes, String id) {
        return nodes.stream().map(JsonObject.class::cast).filter(n -> id.equals(n.getString("id")))
                .findFirst().orElse(null);
    }

    /** The route map of {@code /cdn/show_routes}; empty on 404 (no routes). */
    private static JsonObject routes(EstuaryProcess node) throws Exception {
        EstuaryProcess.Http r = node.post("/cdn/show_routes", "");
        if (r.status() == 404) {
            return new JsonObject();
        }
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static String originOf(EstuaryProcess node, String stream) throws Exception {
        EstuaryProcess.Http r = node.post("/cdn/stream/show_routes", new JsonObject().put("streamName", stream));
        if (r.status() == 404) {
            return null;
        }
        assertEquals(200, r.status(), r.toString());
        return r.json().getJsonArray("1-STREAM-" + r.json().fieldNames().stream()
                .filter(k -> k.startsWith("1-STREAM-")).findFirst().orElseThrow().substring("1-STREAM-".length()))
                .getJsonObject(0).getString("nodeId");
    }

    /** Wall time until ffmpeg decoded the first video frame of {@code url} (includes ffmpeg's own start). */
    private static long timeToFirstFrameMs(String url) throws Exception {
        return timeToFirstFrameMs(url, 30);
    }

    private static long timeToFirstFrameMs(String url, int boundSeconds) throws Exception {
        long t0 = System.nanoTime();
        Peers.Result r = Peers.run(boundSeconds, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-rw_timeout", "15000000",
                "-i", url, "-map", "0:v", "-frames:v", "1", "-f", "null", "-");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exitCode(), "first frame of " + url + ": " + r.output());
        return ms;
    }

    @Test
    @Order(1)
    void nodesShowRolesAndStatesAndAnActiveNodeCannotBeRemoved() throws Exception {
        JsonArray nodes = Await.value(LOADED, "the edge to list all three nodes ACTIVE", () -> {
            JsonArray n = showNodes(edge);
            return n.size() == 3 && n.stream().allMatch(o -> "ACTIVE".equals(((JsonObject) o).getString("globalState")))
                    ? n : null;
        });
        assertEquals("ORIGIN", node(nodes, "cdn-origin1").getString("role"), nodes.encodePrettily());
        assertEquals("EDGE", node(nodes, "cdn-edge").getString("role"));
        assertEquals("ORIGIN,TRANSCODER", node(nodes, "cdn-origin2").getString("role"));
        for (Object o : nodes) {
            JsonObject n = (JsonObject) o;
            assertEquals("ACTIVE", n.getString("globalState"), n.encode());
            assertEquals("NEW_STREAMS_ALLOWED", n.getString("processingState"), n.encode());
            assertNotNull(n.getJsonObject("load"), n.encode());
        }
        JsonObject state = edge.post("/cdn/show_state", "").json();
        assertEquals("cdn-edge", state.getString("nodeId"));
        assertEquals("ACTIVE", state.getString("globalState"));

        EstuaryProcess.Http active = edge.post("/cdn/remove_node", new JsonObject().put("nodeId", "cdn-origin2"));
        assertEquals(409, active.status(), active.toString());
        assertEquals(404, edge.post("/cdn/remove_node", new JsonObject().put("nodeId", "nobody")).status());
        assertEquals(400, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "ASLEEP")).status());

        assertEquals(200, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "PASSIVE")).status());
        Await.until(LOADED, "origin2 PASSIVE as seen from origin1",
                () -> "PASSIVE".equals(node(showNodes(origin1), "cdn-origin2").getString("globalState")));
        assertEquals(200, origin2.post("/cdn/enforce_state", "{}").status(), "an empty body clears");
        assertEquals("ACTIVE", origin2.post("/cdn/show_state", "").json().getString("globalState"));
    }

    @Test
    @Order(2)
    void edgePlayersShareOneRelayFromTheOrigin() throws Exception {
        publisher = Ffmpeg.publish(origin1.rtmpUrl(STREAM), "320x180", 15, 0, EstuaryProcess.logDir().resolve("cdn-publisher.log"));
        awaitPublished(origin1);
        Await.until(LOADED, "the route of " + STREAM + " on the edge",
                () -> routes(edge).getMap().containsValue(STREAM));
        assertEquals("cdn-origin1", originOf(edge, STREAM));
        assertEquals("cdn-origin1", originOf(origin2, STREAM), "every node answers the same");
        assertTrue(StreamApi.all(edge).isEmpty(), "the edge pulls nothing before a player asks");

        long edgeMs = timeToFirstFrameMs(edge.rtmpUrl(STREAM));
        long originMs = timeToFirstFrameMs(origin1.rtmpUrl(STREAM));
        System.out.printf("CDN time to first frame (ffmpeg start included): edge, cold relay %d ms; origin direct %d ms%n",
                edgeMs, originMs);

        Ffmpeg.Probe probe = Ffmpeg.probe(edge.rtmpUrl(STREAM), 2);
        assertEquals("h264", probe.video().get("codec_name"), probe.toString());
        assertEquals("320", probe.video().get("width"), probe.toString());
        assertEquals("180", probe.video().get("height"), probe.toString());
        assertTrue(probe.videoFrames() >= 10, "frames decoded through the edge: " + probe);
        assertEquals("aac", probe.audio().get("codec_name"), probe.toString());
        assertTrue(probe.audioFrames() > 0, probe.toString());

        // HLS on the edge, which has no copy of the stream now: the playlist request makes it relay the stream.
        Await.until(LOADED, "the relay dropped after the probes", () -> StreamApi.publisher(edge, STREAM) == null);
        Ffmpeg.Probe hls = Ffmpeg.probe("http://127.0.0.1:" + EDGE_HLS_PORT + "/" + STREAM + "/" + STREAM + ".m3u8", 3);
        assertEquals("h264", hls.video().get("codec_name"), hls.toString());
        assertEquals("320", hls.video().get("width"), hls.toString());
        assertTrue(hls.videoFrames() >= 15, "HLS frames through the edge: " + hls);
        assertEquals(1, StreamApi.players(origin1, STREAM).size(), "the edge's HLS agent reads its one relay");
        assertEquals(200, edge.post("/hls/terminate", new JsonObject().put("name", STREAM)).status(), "the edge's HLS agent");

        for (int i = 0; i < 3; i++) {
            players.add(Ffmpeg.play(edge.rtmpUrl(STREAM), EstuaryProcess.logDir().resolve("cdn-edge-player" + i + ".log")));
        }
        // A player on origin2, whose relays go through the edge (cdn.relayVia): origin1 -> edge -> origin2.
        players.add(Ffmpeg.play(origin2.rtmpUrl(STREAM), EstuaryProcess.logDir().resolve("cdn-chain-player.log")));
        awaitPlayers(origin2, 1);
        awaitPlayers(edge, 4); // three players and origin2's relay
        for (int i = 0; i < 3; i++) {
            assertEquals(1, StreamApi.players(origin1, STREAM).size(), "one relay on the origin for all edge players");
            Thread.sleep(300);
        }
        JsonObject chain = origin2.post("/cdn/stream/show_routes", new JsonObject().put("streamName", STREAM)).json();
        assertEquals("cdn-edge", chain.getJsonArray("2-STREAM-cdn-origin2").getJsonObject(0).getString("sourceNodeId"),
                "origin2 relays through the edge: " + chain.encode());
        JsonObject relayed = StreamApi.publisher(edge, STREAM);
        assertNotNull(relayed, "the edge publishes its local copy");
        assertEquals(320, relayed.getInteger("width"));

        for (Process p : players) {
            Ffmpeg.stop(p);
        }
        players.clear();
        // relayLingerMs is 1 s: the relay goes once the last player left, not before.
        Await.until(LOADED, "the relay dropped after the last edge player left",
                () -> StreamApi.players(origin1, STREAM).isEmpty() && StreamApi.publisher(edge, STREAM) == null);
        assertFalse(routes(edge).isEmpty(), "the origin stream and its route stay");
    }

    @Test
    @Order(3)
    void connectionResetsDropTheRelayConnectionsAndTheEdgePlaysAgain() throws Exception {
        assertEquals(400, edge.post("/cdn/connection/reset_inbound", "{}").status(), "nodeId is required");
        assertEquals(404, edge.post("/cdn/connection/reset_outbound", new JsonObject().put("nodeId", "nobody")).status());
        assertEquals(404, origin1.post("/cdn/connection/reset_inbound", new JsonObject().put("nodeId", "nobody")).status());

        // Inbound, asked on the origin: the connection the edge's relay opened to it is dropped.
        String before = relayConnectionAfterOnePlayer("cdn-reset-inbound.log");
        assertEquals(200, origin1.post("/cdn/connection/reset_inbound", new JsonObject().put("nodeId", "cdn-edge")).status());
        assertRelayReset(before, "inbound", true);

        // Outbound, asked on the edge: it drops its relay connection to the origin and makes a new one.
        before = relayConnectionAfterOnePlayer("cdn-reset-outbound.log");
        assertEquals(200, edge.post("/cdn/connection/reset_outbound", new JsonObject().put("nodeId", "cdn-origin1")).status());
        assertRelayReset(before, "outbound", true);

        before = relayConnectionAfterOnePlayer("cdn-reset-all.log");
        assertEquals(200, edge.post("/cdn/connection/reset_all", "").status());
        assertRelayReset(before, "all", false);
        Await.until(LOADED, "the relay dropped after the last edge player left",
                () -> StreamApi.players(origin1, STREAM).isEmpty() && StreamApi.publisher(edge, STREAM) == null);
    }

    /** Starts one edge player of {@link #STREAM}; answers the id of the one relay connection it uses on the origin. */
    private static String relayConnectionAfterOnePlayer(String log) throws Exception {
        players.add(Ffmpeg.play(edge.rtmpUrl(STREAM), EstuaryProcess.logDir().resolve(log)));
        awaitPlayers(edge, 1);
        List<JsonObject> relay = Await.value(LOADED, "one relay connection on the origin", () -> {
            List<JsonObject> p = StreamApi.players(origin1, STREAM);
            return p.size() == 1 ? p : null;
        });
        return relay.get(0).getString("mediaSessionId");
    }

    /** The relay connection {@code before} is gone, its edge player ended with it, and (if asked) the edge plays again. */
    private static void assertRelayReset(String before, String which, boolean playAgain) throws Exception {
        Process player = players.remove(players.size() - 1);
        assertTrue(player.waitFor(30, TimeUnit.SECONDS), "reset " + which + ": the edge player of the reset relay ended");
        Await.until(LOADED, "reset " + which + ": the old relay connection gone from the origin",
                () -> StreamApi.players(origin1, STREAM).stream().noneMatch(p -> before.equals(p.getString("mediaSessionId"))));
        if (!playAgain) {
            return;
        }
        Ffmpeg.Probe probe = Ffmpeg.probe(edge.rtmpUrl(STREAM), 2);
        assertTrue(probe.videoFrames() >= 10, "reset " + which + ": the edge plays again: " + probe);
        assertTrue(StreamApi.players(origin1, STREAM).size() <= 1, "reset " + which + ": still one relay on the origin");
    }

    @Test
    @Order(4)
    void aPublisherOnTheEdgeIsRelayedToAnOriginThatOtherNodesPlayItFrom() throws Exception {
        Process onEdge = Ffmpeg.publish(edge.rtmpUrl("edgepub"), "160x120", 10, 0,
                EstuaryProcess.logDir().resolve("cdn-edge-publisher.log"));
        String originId;
        try {
            // cdn.edgePublish: relay: the edge pushes the stream to the least loaded origin, whose publish is the route
            originId = Await.value(LOADED, "the route of edgepub", () -> originOf(origin1, "edgepub"));
            System.out.println("CDN edge publish relayed to " + originId);
            assertTrue(originId.equals("cdn-origin1") || originId.equals("cdn-origin2"), "routed to an origin: " + originId);
            assertTrue(routes(edge).getMap().entrySet().stream().anyMatch(e -> "edgepub".equals(e.getValue())
                    && e.getKey().contains("-" + originId + "-")), "/cdn/show_routes names the origin: " + routes(edge));
            JsonObject hops = edge.post("/cdn/stream/show_routes", new JsonObject().put("streamName", "edgepub")).json();
            assertEquals(originId, hops.getJsonArray("0-STREAM-cdn-edge").getJsonObject(0).getString("originNodeId"),
                    "the edge shows its hop to the origin: " + hops.encode());
            EstuaryProcess origin = originId.equals("cdn-origin1") ? origin1 : origin2;
            Ffmpeg.Probe probe = Ffmpeg.probe(origin.rtmpUrl("edgepub"), 2);
            assertEquals("160", probe.video().get("width"), probe.toString());
            assertEquals("120", probe.video().get("height"), probe.toString());
            assertTrue(probe.videoFrames() >= 10, "frames of a stream published on the edge, played on its origin: " + probe);
            assertTrue(StreamApi.publisher(edge, "edgepub") != null, "the edge keeps the publish for its own players");
        } finally {
            Ffmpeg.stop(onEdge);
        }
        // the publisher left the edge: the push ends, and with it the origin's copy and the route
        Await.until(LOADED, "the route of edgepub gone", () -> originOf(origin1, "edgepub") == null);
        Await.until(LOADED, "the origin's copy of edgepub gone",
                () -> StreamApi.publisher(originId.equals("cdn-origin1") ? origin1 : origin2, "edgepub") == null);
        // the push, waiting for its source to come back, must not make the edge relay the origin's copy back to itself
        assertFalse(edge.logText().contains("Edge relay of edgepub"), "the edge never relays a stream it forwards");

        // A player that asks origin2 before any node has the stream waits (rtmp.playWaitTimeoutMs) and gets it
        // relayed once it is routed, through its relayVia (origin1 -> edge -> origin2). The stream appears on origin1
        // through origin1's own /pull/rtmp/pull of its stream (a local publish like a publisher's, without an
        // ffmpeg start the wait could outlast).
        long connected = connects(origin2);
        java.util.concurrent.CompletableFuture<Ffmpeg.Probe> early = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Ffmpeg.probe(origin2.rtmpUrl("late"), 2);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(LOADED, "the early player connected to origin2", () -> connects(origin2) > connected);
        Thread.sleep(500); // its play command follows the connect at once
        JsonObject pull = new JsonObject().put("uri", origin1.rtmpUrl(STREAM)).put("localStreamName", "late");
        assertEquals(200, origin1.post("/pull/rtmp/pull", pull).status());
        try {
            Ffmpeg.Probe probe = early.get(90, TimeUnit.SECONDS);
            assertTrue(probe.videoFrames() >= 10, "the player waiting since before the stream was routed plays: " + probe);
            assertTrue(origin2.logText().contains("Edge relay of late started for readers waiting"), "it waited");
            assertTrue(origin2.logText().contains("Edge relay of late from origin cdn-origin1 through cdn-edge"),
                    "a real chain: origin1 -> edge -> origin2");
        } finally {
            origin1.post("/pull/rtmp/terminate", new JsonObject().put("uri", origin1.rtmpUrl(STREAM)));
        }
        Await.until(LOADED, "the route of late gone", () -> originOf(origin1, "late") == null);
    }

    @Test
    @Order(5)
    void aProfilePlayedOnTheEdgeComesThroughTheTranscoderNodeAtTheProfileSize() throws Exception {
        JsonObject small = new JsonObject().put("name", "-small").put("profile", new JsonObject()
                .put("video", new JsonObject().put("width", 160).put("height", 96).put("fps", 15).put("gop", 15).put("bitrate", 200)));
        assertEquals(400, edge.post("/cdn/profile/add", new JsonObject().put("name", "-small")).status(), "no profile");
        EstuaryProcess.Http unsupported = edge.post("/cdn/profile/add", new JsonObject().put("name", "-small").put("profile",
                new JsonObject().put("video", new JsonObject().put("width", 160).put("quality", 25))));
        assertEquals(400, unsupported.status(), "a field the transcoder would ignore is refused: " + unsupported);
        assertTrue(unsupported.body().contains("quality"), unsupported.toString());
        assertEquals(400, edge.post("/cdn/profile/add", small.copy().put("name", "../x")).status(), "hostile name");
        assertEquals(200, edge.post("/cdn/profile/add", small).status());
        assertEquals(409, origin1.post("/cdn/profile/add", small).status(), "kept cluster-wide");
        assertEquals(404, origin1.post("/cdn/profile/modify", new JsonObject().put("name", "-none")
                .put("profile", new JsonObject().put("video", new JsonObject().put("bitrate", 300)))).status());
        assertEquals(200, origin1.post("/cdn/profile/modify", new JsonObject().put("name", "-small")
                .put("profile", new JsonObject().put("video", new JsonObject().put("bitrate", 250)))).status());
        JsonObject printed = origin2.post("/cdn/profile/print", "").json().getJsonObject("-small");
        assertEquals(250, printed.getJsonObject("video").getInteger("bitrate"), printed.encode());
        assertEquals(160, printed.getJsonObject("video").getInteger("width"), "a partial modify keeps the rest");

        // The first player makes the rendition: origin1 -> edge -> origin2 (relayVia) -> transcoder -> edge. Seen at
        // 37 s at a load average of 70 (a probe's own 33 s bound cut it), so it gets a wider bound of its own.
        long firstFrameMs = timeToFirstFrameMs(edge.rtmpUrl(STREAM + "-small"), 90);
        System.out.printf("CDN rendition through the transcoder node: first frame after %d ms (ffmpeg start included)%n",
                firstFrameMs);
        // Once more: the first player left, and with relayLingerMs of 1 s the edge relay and then the transcoder may
        // be stopping just as this probe asks. Seen before the server handled it: the edge started a relay of the
        // rendition, which ended 80 ms later, "origin stream ended", and ffprobe got an I/O error. Now the edge tells
        // the transcoder node when it starts a relay (it waits for that reader) and a rendition asked for while it
        // stops is made again; still retried, for the few ms between a terminate and the route leaving the map.
        Ffmpeg.Probe probe = Await.value(LOADED, "a probe of the rendition through the edge", () -> {
            Ffmpeg.Probe p = Ffmpeg.probe(edge.rtmpUrl(STREAM + "-small"), 2);
            return p.videoFrames() >= 10 ? p : null;
        });
        assertEquals("h264", probe.video().get("codec_name"), probe.toString());
        assertEquals("160", probe.video().get("width"), probe.toString());
        assertEquals("96", probe.video().get("height"), probe.toString());
        assertTrue(probe.videoFrames() >= 10, "frames of the rendition through the edge: " + probe);
        assertEquals("cdn-origin2", originOf(edge, STREAM + "-small"), "the rendition is routed from the transcoder node");
        assertEquals(200, origin2.post("/transcoder2/find_all", "").status(), "the transcoder runs on the transcoder node");
        assertEquals(404, origin1.post("/transcoder2/find_all", "").status(), "and not on the origin");

        // HLS ABR from the CDN's profiles: the edge's master of the stream lists the stream, then the profile's
        // rendition at the profile's size and rate; a player fetching that variant gets it through the transcoder
        // node as the RTMP player above did.
        String hls = "http://127.0.0.1:" + EDGE_HLS_PORT + "/";
        String master = Await.value(LOADED, "the edge's master playlist of " + STREAM, () -> {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(hls + STREAM + "/master.m3u8"))
                            .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        });
        assertTrue(master.contains("RESOLUTION=320x180") && master.contains("\n" + STREAM + ".m3u8\n"), master);
        assertTrue(master.contains("#EXT-X-STREAM-INF:BANDWIDTH=250000,RESOLUTION=160x96\n../" + STREAM + "-small/"
                + STREAM + "-small.m3u8\n"), "the profile's variant (250 kbit/s, 160x96): " + master);
        // retried as the RTMP probe is: the first fetch of a variant waits for the rendition to reach the edge
        Ffmpeg.Probe variant = Await.value(LOADED, "ffprobe of the profile's HLS variant on the edge", () -> {
            Ffmpeg.Probe p = Ffmpeg.probe(hls + STREAM + "-small/" + STREAM + "-small.m3u8", 3);
            return p.videoFrames() >= 10 ? p : null;
        });
        assertEquals("160", variant.video().get("width"), variant.toString());
        assertEquals("96", variant.video().get("height"), variant.toString());
        System.out.println("Edge HLS master with CDN profile variants:\n" + master);
        for (String agent : List.of(STREAM, STREAM + "-small")) { // so the rendition can go idle below
            assertEquals(200, edge.post("/hls/terminate", new JsonObject().put("name", agent)).status(), agent);
        }
        // origin1 (the origin role alone) lists the variant too: it relays renditions, never other streams
        assertEquals(200, origin1.post("/hls/startup", new JsonObject().put("name", STREAM)).status());
        String originMaster = origin1.post("/hls/find_all", "").array().getJsonObject(0).getString("playlist")
                .replace("/" + STREAM + ".m3u8", "/master.m3u8");
        String listed = Await.value(LOADED, "origin1's master playlist of " + STREAM, () -> {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(originMaster))
                            .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        });
        assertTrue(listed.contains("RESOLUTION=160x96\n../" + STREAM + "-small/" + STREAM + "-small.m3u8\n"), listed);
        assertEquals(200, origin1.post("/hls/terminate", new JsonObject().put("name", STREAM)).status());

        // No ACTIVE transcoder node: a player of a rendition nobody makes yet is refused with WCS's text.
        assertEquals(200, edge.post("/cdn/profile/add", new JsonObject().put("name", "-tiny").put("profile", new JsonObject()
                .put("video", new JsonObject().put("width", 128).put("height", 72)))).status());
        assertEquals(200, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "PASSIVE")).status());
        try {
            Await.until(LOADED, "origin2 PASSIVE as seen from the edge",
                    () -> "PASSIVE".equals(node(showNodes(edge), "cdn-origin2").getString("globalState")));
            // the edge re-reads its transcoder candidates every cdn.loadRefreshMs (1 s here): let it, so the first
            // try is not admitted (and made) on the list from before
            Thread.sleep(2_000);
            Await.until(LOADED, "the edge refusing a rendition with no transcoder", () -> {
                Peers.Result r = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                        "-rw_timeout", "15000000", "-i", edge.rtmpUrl(STREAM + "-tiny"), "-frames:v", "1", "-f", "null", "-");
                return r.exitCode() != 0 && r.output().contains("No available transcoders");
            });
        } finally {
            assertEquals(200, origin2.post("/cdn/enforce_state", "{}").status());
        }
        assertEquals(200, edge.post("/cdn/profile/remove", new JsonObject().put("name", "-tiny")).status());
        assertEquals(404, edge.post("/cdn/profile/remove", new JsonObject().put("name", "-tiny")).status());
        // Nobody watches the rendition any more: the transcoder and its source relay go (relayLingerMs 1 s each),
        // so the origin is left with no player before the next test counts them.
        Await.until(LOADED, "the rendition and the transcoder node's relay gone",
                () -> origin2.post("/transcoder2/find_all", "").status() == 404 && StreamApi.players(origin1, STREAM).isEmpty());
    }

    @Test
    @Order(6)
    void originKilledEndsEdgePlayersAndARepublishedStreamPlaysAgain() throws Exception {
        // A publisher on the edge (cdn.edgePublish: relay) forwarded to origin1 (origin2 PASSIVE while it is chosen):
        // when origin1 dies below, the edge forwards it again to origin2.
        assertEquals(200, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "PASSIVE")).status());
        Process movingPublisher = null;
        try {
            try {
                Await.until(LOADED, "origin2 PASSIVE as seen from the edge",
                        () -> "PASSIVE".equals(node(showNodes(edge), "cdn-origin2").getString("globalState")));
                movingPublisher = Ffmpeg.publish(edge.rtmpUrl("edgemoves"), "160x120", 10, 0,
                        EstuaryProcess.logDir().resolve("cdn-edge-moving-publisher.log"));
                Await.until(LOADED, "edgemoves forwarded to origin1", () -> "cdn-origin1".equals(originOf(edge, "edgemoves")));
            } finally {
                assertEquals(200, origin2.post("/cdn/enforce_state", "{}").status());
            }
            Await.until(LOADED, "origin2 ACTIVE again as seen from the edge",
                    () -> "ACTIVE".equals(node(showNodes(edge), "cdn-origin2").getString("globalState")));
            edgePlayersEndAndTheStreamPlaysAgainOnTheOtherOrigin();
            Await.until(LOADED, "edgemoves forwarded again, to origin2",
                    () -> "cdn-origin2".equals(originOf(edge, "edgemoves")));
            Ffmpeg.Probe moved = Ffmpeg.probe(origin2.rtmpUrl("edgemoves"), 2);
            assertEquals("160", moved.video().get("width"), moved.toString());
            assertTrue(moved.videoFrames() >= 10, "the edge's publish played on its new origin: " + moved);
        } finally {
            Ffmpeg.stop(movingPublisher);
        }
        Await.until(LOADED, "the route of edgemoves gone", () -> originOf(edge, "edgemoves") == null);
    }

    /** Kills origin1 (the stream's origin): the edge's players end, and the stream republished on origin2 plays. */
    private static void edgePlayersEndAndTheStreamPlaysAgainOnTheOtherOrigin() throws Exception {
        for (int i = 0; i < 2; i++) {
            players.add(Ffmpeg.play(edge.rtmpUrl(STREAM), EstuaryProcess.logDir().resolve("cdn-failover-player" + i + ".log")));
        }
        awaitPlayers(edge, 2);
        assertEquals(1, StreamApi.players(origin1, STREAM).size());

        long t0 = System.nanoTime();
        origin1.kill();
        for (Process p : players) {
            // The issue asks for 5 s (seen: 1.5 s); 10 s leaves room for ffmpeg itself to exit on the loaded
            // CI machine. The measured figure is printed below.
            assertTrue(p.waitFor(10_000 - (System.nanoTime() - t0) / 1_000_000, TimeUnit.MILLISECONDS),
                    "edge player still running 10 s after the origin died");
        }
        long endedMs = (System.nanoTime() - t0) / 1_000_000;
        // The route goes when Hazelcast removes the member. A killed process's connections are refused, which
        // Hazelcast notices within a few heartbeats (1 s each; seen 0.8-1.2 s idle, 3-6 s at load averages of
        // 30-57); its hard bound is the heartbeat deadline, for a member that is silent instead: 10 s without a
        // heartbeat, checked every heartbeat (ClusterBootstrap): 11 s. 4 s more cover the new member list reaching
        // the edge and this REST poll on the loaded shared machine, where Hazelcast's own threads run late (the
        // crashed-process path alone was seen at 9.2 s at a load average of 60). The figure is printed below.
        Duration bound = Duration.ofSeconds(ClusterBootstrap.NO_HEARTBEAT_SECONDS + ClusterBootstrap.HEARTBEAT_SECONDS + 4L);
        Await.until(bound.minusNanos(System.nanoTime() - t0), "the dead origin's route removed within " + bound + " of the kill",
                () -> !routes(edge).getMap().containsValue(STREAM));
        long routeMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("CDN failover: edge players ended %d ms, route removed %d ms after kill -9 of the origin%n",
                endedMs, routeMs);
        players.clear();
        Ffmpeg.stop(publisher);
        Await.until(LOADED, "the dead origin gone from the node list",
                () -> node(showNodes(edge), "cdn-origin1") == null);
        Await.until(LOADED, "the edge's relay gone", () -> StreamApi.publisher(edge, STREAM) == null);

        publisher = Ffmpeg.publish(origin2.rtmpUrl(STREAM), "320x180", 15, 0, EstuaryProcess.logDir().resolve("cdn-publisher2.log"));
        awaitPublished(origin2);
        Await.until(LOADED, "the route names the new origin", () -> "cdn-origin2".equals(originOf(edge, STREAM)));
        Ffmpeg.Probe probe = Ffmpeg.probe(edge.rtmpUrl(STREAM), 2);
        assertEquals("h264", probe.video().get("codec_name"), probe.toString());
        assertTrue(probe.videoFrames() >= 10, "frames through the new origin: " + probe);
    }

    @Test
    @Order(7)
    void aPassiveNodeIsRemovedWithItsRoutesAndRejoinsWhenActiveAgain() throws Exception {
        assertEquals(409, edge.post("/cdn/remove_node", new JsonObject().put("nodeId", "cdn-origin2")).status());
        assertEquals(200, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "PASSIVE")).status());
        EstuaryProcess.Http removed = edge.post("/cdn/remove_node", new JsonObject().put("nodeId", "cdn-origin2"));
        assertEquals(200, removed.status(), removed.toString());
        assertNull(node(showNodes(edge), "cdn-origin2"), "removed from the node list");
        assertFalse(routes(edge).getMap().containsValue(STREAM), "its routes went with it");
        Thread.sleep(2_500); // longer than cdn.loadRefreshMs: a removed node must not write itself back
        assertNull(node(showNodes(edge), "cdn-origin2"), "a removed node stays out");

        assertEquals(200, origin2.post("/cdn/enforce_state", new JsonObject().put("state", "ACTIVE")).status());
        Await.until(LOADED, "origin2 back in the node list", () -> node(showNodes(edge), "cdn-origin2") != null);
        Await.until(LOADED, "origin2's live stream routed again", () -> "cdn-origin2".equals(originOf(edge, STREAM)));
    }

    @Test
    @Order(8)
    void accessListsAreReplicatedEnforcedOnTheEdgeAndCutPlayersWhoseKeyWasRemoved() throws Exception {
        awaitPublished(origin2);
        JsonObject add = new JsonObject().put("name", STREAM).put("keys", new JsonArray().add("k1").add("k2"));
        assertEquals(200, edge.post("/cdn/stream/access_list/add", add).status());
        Await.until(LOADED, "the list replicated to the origin",
                () -> origin2.post("/cdn/stream/access_list/print", new JsonObject().put("name", STREAM)).status() == 200);
        assertEquals(new JsonArray().add("k1").add("k2"),
                origin2.post("/cdn/stream/access_list/print", new JsonObject().put("name", STREAM)).array());
        assertEquals(404, edge.post("/cdn/stream/access_list/add",
                new JsonObject().put("name", "nosuchstream").put("keys", new JsonArray().add("x"))).status());
        assertEquals(400, edge.post("/cdn/stream/access_list/add", new JsonObject().put("name", STREAM)).status());

        Peers.Result refused = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                "-rw_timeout", "15000000", "-i", edge.rtmpUrl(STREAM), "-frames:v", "1", "-f", "null", "-");
        assertTrue(refused.exitCode() != 0, "no key, no play: " + refused.output());
        assertTrue(refused.output().contains("Restricted access"), refused.output());
        Peers.Result wrong = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                "-rw_timeout", "15000000", "-i", edge.rtmpUrl(STREAM + "?aclAuth=nope"), "-frames:v", "1", "-f", "null", "-");
        assertTrue(wrong.exitCode() != 0 && wrong.output().contains("Restricted access"), wrong.output());
        // The profile rendition of a listed stream (profile "-small" from the profile test) needs a key too.
        Peers.Result rendition = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                "-rw_timeout", "15000000", "-i", edge.rtmpUrl(STREAM + "-small"), "-frames:v", "1", "-f", "null", "-");
        assertTrue(rendition.exitCode() != 0 && rendition.output().contains("Restricted access"), rendition.output());

        Ffmpeg.Probe withKey = Ffmpeg.probe(edge.rtmpUrl(STREAM + "?aclAuth=k1"), 2);
        assertTrue(withKey.videoFrames() >= 10, "the key in the stream name plays: " + withKey);
        // The key on the connect URL instead (rtmp://edge/live?aclAuth=k2 + play "cdnlive").
        Peers.Result onConnect = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                "-rw_timeout", "15000000", "-rtmp_app", "live?aclAuth=k2", "-rtmp_playpath", STREAM,
                "-i", "rtmp://127.0.0.1:" + edge.rtmpPort(), "-frames:v", "1", "-f", "null", "-");
        assertEquals(0, onConnect.exitCode(), "the key on the connect URL plays: " + onConnect.output());

        Process k1 = Ffmpeg.play(edge.rtmpUrl(STREAM + "?aclAuth=k1"), EstuaryProcess.logDir().resolve("cdn-acl-k1.log"));
        Process k2 = Ffmpeg.play(edge.rtmpUrl(STREAM + "?aclAuth=k2"), EstuaryProcess.logDir().resolve("cdn-acl-k2.log"));
        // A player of the rendition admitted with a key of the source's list (the rendition has no list of its own).
        Process renditionK1 = Ffmpeg.play(edge.rtmpUrl(STREAM + "-small?aclAuth=k1"),
                EstuaryProcess.logDir().resolve("cdn-acl-rendition-k1.log"));
        players.add(k1);
        players.add(k2);
        players.add(renditionK1);
        awaitPlayers(edge, 2);
        awaitPlayers(edge, STREAM + "-small", 1);
        JsonObject remove = new JsonObject().put("name", STREAM).put("keys", new JsonArray().add("k1"));
        assertEquals(200, origin2.post("/cdn/stream/access_list/remove", remove).status(), "changed on another node");
        assertTrue(k1.waitFor(30, TimeUnit.SECONDS), "the player whose key was removed is cut");
        assertTrue(renditionK1.waitFor(30, TimeUnit.SECONDS),
                "the rendition player admitted with the removed key of the source's list is cut");
        Thread.sleep(1_000);
        assertTrue(k2.isAlive(), "the player with a key still listed keeps playing");
        assertEquals(1, StreamApi.players(edge, STREAM).size());

        assertEquals(200, edge.post("/cdn/stream/access_list/delete", new JsonObject().put("name", STREAM)).status());
        Await.until(LOADED, "the list gone everywhere", () -> origin2.post("/cdn/stream/access_list/print",
                new JsonObject().put("name", STREAM)).status() == 404);
        assertEquals(0, Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-rw_timeout", "15000000",
                "-i", edge.rtmpUrl(STREAM), "-frames:v", "1", "-f", "null", "-").exitCode(), "open again without a list");
        Ffmpeg.stop(k2);
        players.clear();
    }

    @Test
    @Order(9)
    void bridgeClientsOnTheEdgeTcpAndSockJsSeeStreamEventsOfAnotherNodeAndCannotSend() throws Exception {
        // A SockJS client as a browser page would use it (sockjs-client + @vertx/eventbus-bridge-client.js, in node),
        // subscribed beside the TCP client below: both must see the same stream's events.
        Path sockJsDir = sockJsClient.get(5, TimeUnit.MINUTES);
        Path sockJsLog = EstuaryProcess.logDir().resolve("cdn-sockjs-subscriber.log");
        Process sockJs = new ProcessBuilder(Peers.require("node", "nodejs"), "subscribe.js",
                "http://127.0.0.1:" + SOCKJS_PORT + "/eventbus", "bridged", "90").directory(sockJsDir.toFile())
                .redirectErrorStream(true).redirectOutput(sockJsLog.toFile()).start();
        players.add(sockJs); // stopped by stopAll if this test fails half-way
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", BRIDGE_PORT)) {
            socket.setSoTimeout(30_000);
            var out = new java.io.DataOutputStream(socket.getOutputStream());
            var in = new java.io.DataInputStream(socket.getInputStream());
            // Vert.x TCP bridge frames: 4-byte big-endian length, then UTF-8 JSON.
            java.util.function.Consumer<JsonObject> send = frame -> {
                try {
                    byte[] bytes = frame.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                    out.flush();
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            };
            java.util.concurrent.Callable<JsonObject> receive = () -> {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            };
            send.accept(new JsonObject().put("type", "send").put("address", "estuary.api/stream/terminate")
                    .put("body", new JsonObject().put("name", STREAM)));
            JsonObject denied = receive.call();
            assertEquals("err", denied.getString("type"), denied.encode());
            assertEquals("access_denied", denied.getString("message"), denied.encode());
            send.accept(new JsonObject().put("type", "register").put("address", "estuary.events.stream"));
            Await.until(LOADED, "the SockJS subscriber registered", () -> Files.readString(sockJsLog).contains("registered"));
            Thread.sleep(1_000); // the registrations reach the clustered bus before the publish starts

            Process shortLived = Ffmpeg.publish(origin2.rtmpUrl("bridged"), "160x120", 10, 0,
                    EstuaryProcess.logDir().resolve("cdn-bridge-publisher.log"));
            try {
                List<String> seen = new ArrayList<>();
                while (!seen.contains("unpublished")) {
                    JsonObject m = receive.call();
                    if ("message".equals(m.getString("type")) && "bridged".equals(m.getJsonObject("body").getString("name"))) {
                        assertEquals("cdn-origin2", m.getJsonObject("body").getString("nodeId"), m.encode());
                        seen.add(m.getJsonObject("body").getString("event"));
                        if (seen.equals(List.of("published"))) {
                            findAndTerminateFromAnotherNode("bridged");
                        }
                    }
                }
                // the publisher never stops by itself: only the edge's terminate, routed to origin2, ended it
                assertEquals(List.of("published", "unpublished"), seen);
            } finally {
                Ffmpeg.stop(shortLived);
            }
        }
        // The SockJS client exits 0 once it saw "unpublished" (1 on a close or its own 90 s limit).
        assertTrue(sockJs.waitFor(30, TimeUnit.SECONDS), "SockJS subscriber still running: " + Files.readString(sockJsLog));
        List<String> lines = Files.readAllLines(sockJsLog);
        assertEquals(0, sockJs.exitValue(), String.join("\n", lines));
        assertTrue(lines.contains("open websocket"), "the SockJS websocket transport: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("denied") && l.contains("access_denied")),
                "a send through the SockJS bridge is refused: " + lines);
        assertEquals(List.of("published bridged cdn-origin2", "unpublished bridged cdn-origin2"),
                lines.stream().filter(l -> l.contains(" bridged ")).toList());
        players.remove(sockJs);
    }

    /**
     * {@code /stream/find} and {@code /stream/terminate} asked on the edge about a stream published on origin2
     * (nothing of it on the edge): routed to origin2 over the clustered bus.
     */
    private static void findAndTerminateFromAnotherNode(String name) throws Exception {
        EstuaryProcess.Http found = edge.post("/stream/find", new JsonObject().put("name", name));
        assertEquals(200, found.status(), found.toString());
        JsonObject stream = found.array().getJsonObject(0);
        assertEquals("cdn-origin2", stream.getString("nodeId"), found.toString());
        assertEquals(name, stream.getString("name"));
        assertEquals(200, edge.post("/stream/find", new JsonObject().put("mediaSessionId", stream.getString("mediaSessionId")))
                .status(), "found by id on another node");
        assertEquals(404, edge.post("/stream/find", new JsonObject().put("name", "nowhere")).status(), "on no node");
        assertEquals(404, edge.post("/stream/terminate", new JsonObject().put("name", "nowhere")).status());
        EstuaryProcess.Http terminated = edge.post("/stream/terminate", new JsonObject().put("name", name));
        assertEquals(200, terminated.status(), terminated.toString());
    }

    /** How many RTMP connections {@code node} has logged so far. */
    private static long connects(EstuaryProcess node) {
        return node.logText().lines().filter(l -> l.contains(" connected app=")).count();
    }

    private static void awaitPublished(EstuaryProcess node) throws InterruptedException {
        Await.until(LOADED, STREAM + " published with video on " + node.log().getFileName(), () -> {
            JsonObject p = StreamApi.publisher(node, STREAM);
            return p != null && p.getInteger("width", 0) > 0;
        });
    }

    private static void awaitPlayers(EstuaryProcess node, int count) throws InterruptedException {
        awaitPlayers(node, STREAM, count);
    }

    private static void awaitPlayers(EstuaryProcess node, String stream, int count) throws InterruptedException {
        Await.until(LOADED, count + " players of " + stream, () -> StreamApi.players(node, stream).stream()
                .filter(o -> "PLAYING".equals(o.getString("status"))).count() == count);
    }

    private static void assertNull(Object o, String message) {
        org.junit.jupiter.api.Assertions.assertNull(o, message);
    }
}
