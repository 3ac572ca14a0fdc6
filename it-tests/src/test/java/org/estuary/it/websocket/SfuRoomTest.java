package org.estuary.it.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An SFU room with three browser participants: three same-origin iframes of one headless Chromium
 * (fake camera and microphone), each a plain-WebRTC page (resources/webrtc/sfu-room.html) speaking
 * the WCS WebSocket API with {@code custom: {roomName, nickName}}. Each publishes once and decodes
 * the other two (getStats), /sfu/stats lists the three with their tracks and subscribers, joins
 * past sfu.maxParticipantsPerRoom are refused, and when one participant's page goes away the
 * others see its tracks end. carol publishes VP8, the others H.264: each receiver negotiates the
 * publisher's codec. Room publish and play pass the HTTP hooks (a stub backend on the page server
 * refuses mallory's publish and eve's play). With sfu.mixedView the room is also mixed into stream
 * r1, which ffprobe reads over RTMP. One server and one browser for the class.
 */
class SfuRoomTest {
    /** Wall-clock bound, generous: a cold JVM's first DTLS handshakes and three encoders on a loaded 2-core CI machine. */
    private static final Duration T = Duration.ofSeconds(90);
    private static final List<String> NICKS = List.of("alice", "bob", "carol");
    private static EstuaryProcess server;
    private static HttpServer pages;
    private static WebDriver browser;
    private static int wsPort;
    /** What the stub backend was asked (the hooks' JSON bodies). */
    private static final java.util.Queue<JsonObject> HOOKED = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        pages.createContext("/", ex -> {
            try (ex; InputStream in = SfuRoomTest.class.getResourceAsStream("/webrtc/sfu-room.html")) {
                byte[] b = in.readAllBytes();
                ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        });
        // the operator's backend: refuses mallory's publish and eve's play, allows the rest
        pages.createContext("/hook/", ex -> {
            try (ex) {
                JsonObject ask = new JsonObject(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                HOOKED.add(ask);
                String nick = ask.getJsonObject("params", new JsonObject()).getString("nickName", "");
                boolean refuse = "publish".equals(ask.getString("action")) ? nick.startsWith("mallory") : "eve".equals(nick);
                ex.sendResponseHeaders(refuse ? 403 : 200, -1);
            }
        });
        pages.start();
        wsPort = Ports.free();
        String hooks = "http://127.0.0.1:" + pages.getAddress().getPort() + "/hook/";
        server = EstuaryProcess.start("sfu-room", "websocket.port=" + wsPort, "webrtc.port=" + Ports.free(),
                "webrtc.privateAddress=127.0.0.1", "sfu.maxParticipantsPerRoom=3", "sfu.mixedView=true",
                // the mixed view at the pages' own size: a 720p mixer would take the CPU the three pages need
                "mixer.videoWidth=320", "mixer.videoHeight=240", "mixer.videoFps=10",
                "hooks.onPublish=" + hooks + "publish", "hooks.onPlay=" + hooks + "play");
        // libwebrtc sends one simulcast layer per 320x180-ish of picture; the simulcast case's 320x240
        // camera needs its three layers (80x60, 160x120, 320x240) without a camera CPU cost of 720p
        browser = WebDriver.start(EstuaryProcess.logDir(), "sfu-room",
                List.of("--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/"));
        browser.open("http://127.0.0.1:" + pages.getAddress().getPort() + "/sfu-room.html");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    @Test
    void threeParticipantsReceiveEachOtherAndALeaverEndsEverywhere() throws Exception {
        String base = "/sfu-room.html?room=r1&ws=" + java.net.URLEncoder.encode("ws://127.0.0.1:" + wsPort + "/",
                java.nio.charset.StandardCharsets.UTF_8) + "&nick=";
        for (String n : NICKS) {
            browser.js("const f = document.createElement('iframe'); f.id = '" + n + "'; f.allow = 'camera; microphone; autoplay';"
                    + "f.src = '" + base + n + ("carol".equals(n) ? "&vcodec=VP8" : "") + "'; document.body.appendChild(f);");
        }
        // each page decodes the other two: H.264 (carol's: VP8) frames of the camera's 4:3 picture and Opus audio
        for (String n : NICKS) {
            for (String other : NICKS) {
                if (!other.equals(n)) {
                    JsonObject s = received(n, other, "framesDecoded", 20);
                    s = received(n, other, "audioPackets", 25);
                    System.out.println("SFU room: " + n + " receives " + other + ": " + s.encode());
                    assertEquals("carol".equals(other) ? "video/VP8" : "video/H264", s.getString("videoCodec"), s.encode());
                    assertEquals("audio/opus", s.getString("audioCodec"), s.encode());
                    int w = s.getInteger("width", 0);
                    int h = s.getInteger("height", 0);
                    // Chromium's encoder scales down when the shared CPU is short: 4:3, at most the asked size
                    assertTrue(w >= 80 && w <= 320 && w * 3 == h * 4, s.encode());
                }
            }
        }

        JsonObject stats = Await.value(Duration.ofSeconds(20), "/sfu/stats with sizes and bitrates", () -> {
            EstuaryProcess.Http r = server.post("/sfu/stats", new JsonObject().put("roomName", "r1"));
            return r.status() == 200 && r.json().getJsonArray("participants").stream().map(JsonObject.class::cast)
                    .allMatch(p -> tracks(p).stream().allMatch(t -> t.getLong("bitrate", 0L) > 0
                            && (!"VIDEO".equals(t.getString("type")) || t.getInteger("width", 0) > 0))) ? r.json() : null;
        });
        System.out.println("SFU room: /sfu/stats " + stats.encode());
        JsonArray ps = stats.getJsonArray("participants");
        assertEquals(Set.copyOf(NICKS), nickNames(ps), stats.encode());
        for (Object o : ps) {
            JsonObject p = (JsonObject) o;
            String nick = p.getString("nickName");
            List<JsonObject> tracks = tracks(p);
            assertEquals(2, tracks.size(), p.encode());
            for (JsonObject t : tracks) {
                assertEquals("VIDEO".equals(t.getString("type")) ? ("carol".equals(nick) ? "VP8" : "H264") : "opus",
                        t.getString("codec"), t.encode());
                if ("VIDEO".equals(t.getString("type"))) {
                    // read from the key frames (SPS / VP8 frame header): the camera's 4:3 at most 320x240
                    int w = t.getInteger("width");
                    assertTrue(w >= 80 && w <= 320 && w * 3 == t.getInteger("height") * 4, t.encode());
                }
                Set<String> subs = nickNames(t.getJsonArray("subscribers"));
                Set<String> others = new TreeSet<>(NICKS);
                others.remove(nick);
                assertEquals(others, subs, t.encode());
                assertTrue(t.getLong("packetsLost", -1L) >= 0, t.encode());
            }
            assertEquals(4, p.getJsonArray("incomingTracks").size(), p.encode());
        }
        // sfu.mixedView: the participants are also hub streams nick#r1, mixed into stream r1 (RTMP here)
        org.estuary.it.support.Ffmpeg.Probe mixed = org.estuary.it.support.Ffmpeg.probe(server.rtmpUrl("r1"), 3);
        System.out.println("SFU room: mixed view r1 over RTMP: " + mixed);
        assertEquals("h264", mixed.video().get("codec_name"), mixed.toString());
        assertEquals("aac", mixed.audio().get("codec_name"), mixed.toString());
        // frames of both kinds decoded: how many fit in 3 s depends on the (shared, loaded) CPU
        assertTrue(mixed.videoFrames() >= 5 && mixed.audioFrames() >= 5, mixed.toString());
        String inputs = server.post("/stream/find_all", new JsonObject()).body();
        for (String n : NICKS) {
            assertTrue(inputs.contains("\"" + n + "#r1\""), inputs);
        }
        assertEquals(404, server.post("/sfu/stats", new JsonObject().put("roomName", "nowhere")).status());
        assertEquals(400, server.post("/sfu/stats", new JsonObject()).status());

        refusedJoins();

        // carol's page goes away (its WebSocket closes): alice and bob see her tracks end, the room forgets her
        browser.js("document.getElementById('carol').remove();");
        for (String n : List.of("alice", "bob")) {
            browser.until(Duration.ofSeconds(30), n + " sees carol's tracks end", "const r = "
                    + frame(n) + ".room; return r.stats.carol !== undefined && r.stats.carol.ended === true"
                    + " && !r.members.includes('carol');");
            JsonObject still = received(n, n.equals("alice") ? "bob" : "alice", "framesDecoded", 1);
            assertTrue(!still.getBoolean("ended"), still.encode());
        }
        JsonObject after = server.post("/sfu/stats", new JsonObject().put("roomName", "r1")).json();
        assertEquals(Set.of("alice", "bob"), nickNames(after.getJsonArray("participants")), after.encode());
        for (Object o : after.getJsonArray("participants")) {
            for (JsonObject t : tracks((JsonObject) o)) {
                assertEquals(1, t.getJsonArray("subscribers").size(), t.encode());
            }
        }

        // dave joins with the WCS SFU SDK's protocol (joinRoom on one peer connection): his tracks
        // reach alice, who receives him like any member; he receives alice and bob on that same peer
        // connection (re-offers adding recvonly transceivers, leaseTrack); a lease onto no m-line is refused
        browser.js("const f = document.createElement('iframe'); f.id = 'dave'; f.allow = 'camera; microphone; autoplay';"
                + "f.src = '" + base + "dave&sdk=1'; document.body.appendChild(f);");
        JsonObject dave = received("alice", "dave", "framesDecoded", 10);
        assertEquals("video/H264", dave.getString("videoCodec"), dave.encode());
        for (String from : List.of("alice", "bob")) {
            JsonObject s = received("dave", from, "framesDecoded", 10);
            s = received("dave", from, "audioPackets", 25);
            System.out.println("SFU room: dave (one peer connection) receives " + from + ": " + s.encode());
            assertEquals("video/H264", s.getString("videoCodec"), s.encode());
            assertEquals("audio/opus", s.getString("audioCodec"), s.encode());
        }
        Object sdk = browser.js("return JSON.stringify(" + frame("dave") + ".room.sdk);");
        assertTrue(String.valueOf(sdk).contains("\"REMOTE_SDP\",\"JOINED:join1\""), String.valueOf(sdk));
        assertTrue(String.valueOf(sdk).contains("OPERATION_FAILED:leaseTrack-1:No receiving m-line with mid 99"), String.valueOf(sdk));
        assertEquals("[]", String.valueOf(browser.js("return JSON.stringify(" + frame("dave") + ".room.errors);")));
        JsonObject withDave = server.post("/sfu/stats", new JsonObject().put("roomName", "r1")).json();
        assertEquals(Set.of("alice", "bob", "dave"), nickNames(withDave.getJsonArray("participants")), withDave.encode());
        for (Object o : withDave.getJsonArray("participants")) {
            JsonObject p = (JsonObject) o;
            if (!"dave".equals(p.getString("nickName"))) {
                // alice's tracks go to bob and dave (on dave's one peer connection), bob's to alice and dave
                for (JsonObject t : tracks(p)) {
                    assertTrue(nickNames(t.getJsonArray("subscribers")).contains("dave"), t.encode());
                    // dave leases audio and video on two m-lines: still one subscriber entry per track
                    assertEquals(2, t.getJsonArray("subscribers").size(), t.encode());
                }
            } else {
                // and his incoming tracks: alice's and bob's audio and video, each once
                assertEquals(4, p.getJsonArray("incomingTracks").size(), p.encode());
            }
        }
    }

    /**
     * Simulcast in room r2: sim publishes three VP8 layers by RID (l, m, h: a quarter, half and the
     * full 320x240); the server learns each layer's SSRC from its RID header extension and forwards
     * one layer to each subscriber. viewer (the SFU SDK's protocol, audio only) decodes sim's video;
     * its changeQuality to "l" and back to "h" changes the picture it decodes (switches at a key
     * frame of the new layer, with sequence numbers, timestamps and VP8 picture ids continued), and
     * /sfu/stats shows sim's layers and the layer viewer gets. viewer's muteTrack flags its audio in
     * /sfu/stats and sim hears it (notifyStreamEvent sfuTrackMuted).
     */
    @Test
    void simulcastLayersAndAChosenLayerPerSubscriber() throws Exception {
        String base = "/sfu-room.html?room=r2&ws=" + java.net.URLEncoder.encode("ws://127.0.0.1:" + wsPort + "/",
                java.nio.charset.StandardCharsets.UTF_8) + "&nick=";
        browser.js("const f = document.createElement('iframe'); f.id = 'sim'; f.allow = 'camera; microphone; autoplay';"
                + "f.src = '" + base + "sim&vcodec=VP8&simulcast=1'; document.body.appendChild(f);");
        browser.js("const f = document.createElement('iframe'); f.id = 'viewer'; f.allow = 'camera; microphone; autoplay';"
                + "f.src = '" + base + "viewer&sdk=1&audioOnly=1&recvCodec=VP8'; document.body.appendChild(f);");
        try {
            JsonObject first = received("viewer", "sim", "framesDecoded", 10);
            assertEquals("video/VP8", first.getString("videoCodec"), first.encode());
            JsonObject layered = Await.value(Duration.ofSeconds(30), "sim's three layers in /sfu/stats", () -> {
                JsonObject st = server.post("/sfu/stats", new JsonObject().put("roomName", "r2")).json();
                JsonObject v = video(st, "sim");
                return v != null && v.getJsonArray("layers") != null && v.getJsonArray("layers").stream()
                        .map(JsonObject.class::cast).filter(l -> l.getLong("ssrc") >= 0 && l.getInteger("width") > 0)
                        .count() == 3 ? st : null;
            });
            System.out.println("SFU simulcast: /sfu/stats " + layered.encode());
            JsonObject v = video(layered, "sim");
            List<JsonObject> layers = v.getJsonArray("layers").stream().map(JsonObject.class::cast).toList();
            // best first: widest; Chromium may scale all layers down on a loaded CPU, so only the order is fixed
            assertTrue(layers.get(0).getInteger("width") > layers.get(2).getInteger("width"), v.encode());
            String low = layers.get(2).getString("rid");
            String high = layers.get(0).getString("rid");
            int lowWidth = layers.get(2).getInteger("width");
            assertEquals(Set.of("viewer"), nickNames(v.getJsonArray("subscribers")), v.encode());
            assertEquals(1, v.getJsonArray("subscribers").size(), "one entry per subscriber: " + v.encode());

            browser.js("return " + frame("viewer") + ".room.quality('sim', '" + low + "');");
            JsonObject small = Await.value(T, "viewer decodes sim's layer " + low, () -> {
                JsonObject s = stats("viewer", "sim");
                return s != null && s.getInteger("width", 0) > 0 && s.getInteger("width") <= lowWidth ? s : null;
            });
            JsonObject atLow = server.post("/sfu/stats", new JsonObject().put("roomName", "r2")).json();
            assertEquals(low, video(atLow, "sim").getJsonArray("subscribers").getJsonObject(0).getString("quality"), atLow.encode());
            long framesAtLow = small.getLong("framesDecoded");
            browser.js("return " + frame("viewer") + ".room.quality('sim', '" + high + "');");
            JsonObject big = Await.value(T, "viewer decodes sim's layer " + high + " again", () -> {
                JsonObject s = stats("viewer", "sim");
                return s != null && s.getInteger("width", 0) > lowWidth && s.getLong("framesDecoded") > framesAtLow + 5 ? s : null;
            });
            System.out.println("SFU simulcast: viewer decoded " + small.encode() + " at " + low + ", " + big.encode() + " at " + high);

            // back to the choice by bandwidth: viewer's browser estimates it from the abs-send-time the
            // SFU stamps and sends REMB; on loopback it covers a layer (which one depends on the CPU)
            browser.js("return " + frame("viewer") + ".room.quality('sim', 'auto');");
            JsonObject auto = Await.value(Duration.ofSeconds(30), "viewer's REMB estimate in /sfu/stats", () -> {
                JsonObject st = server.post("/sfu/stats", new JsonObject().put("roomName", "r2")).json();
                return incoming(st, "viewer", "sim/video").getLong("estimate", -1L) > 0 ? st : null;
            });
            System.out.println("SFU simulcast: auto " + incoming(auto, "viewer", "sim/video").encode());
            assertTrue(incoming(auto, "viewer", "sim/video").getString("quality") != null, auto.encode());

            // the SDK's muteTrack flags viewer's own audio for the others (/sfu/stats)
            browser.js("return " + frame("viewer") + ".room.mute('viewer/audio', true);");
            Await.value(Duration.ofSeconds(10), "viewer/audio muted in /sfu/stats", () -> {
                JsonObject st = server.post("/sfu/stats", new JsonObject().put("roomName", "r2")).json();
                return st.encode().contains("\"id\":\"viewer/audio\"") && tracksOf(st, "viewer").stream()
                        .anyMatch(t -> "viewer/audio".equals(t.getString("id")) && t.getBoolean("muted")) ? st : null;
            });
            // and the other members hear it (a notifyStreamEvent sfuTrackMuted on sim's WCS WebSocket API session)
            browser.until(Duration.ofSeconds(10), "sim hears viewer/audio muted", "const r = " + frame("sim")
                    + ".room; return r.muted !== undefined && r.muted['viewer/audio'] === true;");
            assertEquals("[]", String.valueOf(browser.js("return JSON.stringify(" + frame("viewer") + ".room.errors);")));
        } finally {
            browser.js("['sim', 'viewer'].forEach(n => { const f = document.getElementById(n); if (f) f.remove(); });");
        }
    }

    private static JsonObject video(JsonObject stats, String nick) {
        return tracksOf(stats, nick).stream().filter(t -> "VIDEO".equals(t.getString("type"))).findFirst().orElse(null);
    }

    private static JsonObject incoming(JsonObject stats, String nick, String trackId) {
        return stats.getJsonArray("participants").stream().map(JsonObject.class::cast)
                .filter(p -> nick.equals(p.getString("nickName"))).flatMap(p -> p.getJsonArray("incomingTracks").stream())
                .map(JsonObject.class::cast).filter(t -> trackId.equals(t.getString("id"))).findFirst().orElse(new JsonObject());
    }

    private static List<JsonObject> tracksOf(JsonObject stats, String nick) {
        return stats.getJsonArray("participants").stream().map(JsonObject.class::cast)
                .filter(p -> nick.equals(p.getString("nickName"))).findFirst().map(SfuRoomTest::tracks).orElse(List.of());
    }

    private static JsonObject stats(String nick, String from) throws Exception {
        Object o = browser.js("const w = " + frame(nick) + "; return w && w.room ? JSON.stringify(w.room.stats['" + from
                + "'] || null) : null;");
        return o == null || "null".equals(o) ? null : new JsonObject((String) o);
    }

    /**
     * A join under a taken nickName, one past sfu.maxParticipantsPerRoom, a receive of nobody, and
     * a publish and a play the backend refuses fail with reasons; the backend saw each room publish
     * and play with the room as the app and the participant as the stream.
     */
    private static void refusedJoins() throws Exception {
        String sdp = "v=0\r\n"; // refused before the offer is read
        for (String[] c : new String[][]{{"carol", "publishStream", "carol", "already publishes"},
                                         {"dave", "publishStream", "dave", "is full"},
                                         {"dave", "playStream", "nobody", "No participant nobody"},
                                         {"mallory", "publishStream", "mallory", "Refused: refused by the backend (HTTP 403)"},
                                         {"eve", "playStream", "alice", "Refused: refused by the backend (HTTP 403)"}}) {
            try (WcsClient ws = WcsClient.connected(wsPort, new JsonObject().put("appKey", "defaultApp")
                    .put("custom", new JsonObject().put("roomName", "r1").put("nickName", c[0])))) {
                ws.await("getUserData", Duration.ofSeconds(20));
                ws.send(c[1], new JsonObject().put("mediaSessionId", "m1").put("name", c[2]).put("sdp", sdp));
                JsonObject failed = ws.await("notifyStreamStatusEvent", e -> "FAILED".equals(e.getString("status")),
                        Duration.ofSeconds(20));
                assertTrue(failed.encode().contains(c[3]), failed.encode());
            }
        }
        for (String n : NICKS) {
            assertTrue(HOOKED.stream().anyMatch(h -> "publish".equals(h.getString("action")) && "r1".equals(h.getString("app"))
                    && n.equals(h.getString("streamName")) && "WebSocket".equals(h.getString("protocol"))), n + " " + HOOKED);
        }
        assertTrue(HOOKED.stream().anyMatch(h -> "play".equals(h.getString("action")) && "r1".equals(h.getString("app"))
                && "alice".equals(h.getString("streamName")) && "bob".equals(h.getJsonObject("params").getString("nickName"))),
                "bob's play of alice was asked: " + HOOKED);
    }

    private static List<JsonObject> tracks(JsonObject participant) {
        return participant.getJsonArray("outgoingTracks").stream().map(JsonObject.class::cast).toList();
    }

    private static Set<String> nickNames(JsonArray a) {
        Set<String> s = new TreeSet<>();
        a.forEach(o -> s.add(((JsonObject) o).getString("nickName")));
        return s;
    }

    private static String frame(String nick) {
        return "document.getElementById('" + nick + "').contentWindow";
    }

    /** Polls {@code nick}'s page until its stats of {@code from} have {@code field} >= {@code atLeast}. */
    private static JsonObject received(String nick, String from, String field, long atLeast) throws Exception {
        JsonObject[] last = new JsonObject[1];
        try {
            return Await.value(T, nick + " receives " + from + ": " + field + " >= " + atLeast, () -> {
                Object o = browser.js("const w = " + frame(nick) + "; return w && w.room ? JSON.stringify(w.room.stats['"
                        + from + "'] || null) : null;");
                if (o == null || "null".equals(o)) {
                    return null;
                }
                last[0] = new JsonObject((String) o);
                return last[0].getLong(field, 0L) >= atLeast ? last[0] : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last " + last[0] + "; page " + browser.js("const w = "
                    + frame(nick) + "; return w && w.room ? JSON.stringify({members: w.room.members, status: w.room.status,"
                    + " errors: w.room.errors, pcs: w.room.pcs}) : null;") + "; /sfu/stats "
                    + server.post("/sfu/stats", new JsonObject().put("roomName", "r1")).body() + "; metrics "
                    + server.get("/metrics").body().lines().filter(l -> l.startsWith("estuary_webrtc")).toList() + "; load " + java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc/loadavg")).trim(), e);
        }
    }
}
