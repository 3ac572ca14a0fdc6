package org.estuary.verticles.rtmp;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.flv.FlvWriter;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.session.RtmpMetrics;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scripted RTMP conversations against a real RtmpServerVerticle and hub (no external peers). */
class RtmpSessionTest {
    private static final byte[] SPS_720P = HexFormat.of().parseHex("6742c01fd9005005bb0110000003001000000303c0f1832480");
    private static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");
    private static final byte[] AAC_LC_48K_STEREO = {0x11, (byte) 0x90};

    private static Vertx vertx;
    private static StreamRegistry streams;
    private static ConnectionRegistry connections;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        streams = new StreamRegistry(256, 300, 8 << 20);
        connections = new ConnectionRegistry();
        RtmpSettings s = new RtmpSettings("127.0.0.1", 0, 4096, 2_500_000, 1500, 400, 2000, 30_000, 8 << 20, 0);
        RtmpServerVerticle v = new RtmpServerVerticle(s, streams, connections, new RtmpMetrics());
        vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        port = v.actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static RtmpTestClient connect(String app) throws Exception {
        RtmpTestClient c = new RtmpTestClient(vertx, port);
        c.command(0, "connect", 1, Map.of("app", app, "tcUrl", "rtmp://127.0.0.1:" + port + "/" + app,
                "flashVer", "FMLE/3.0"));
        c.awaitCommand(StatusCode.CONNECT_SUCCESS, 3000);
        c.command(0, "createStream", 2, null);
        c.awaitCommand("_result", 3000);
        return c;
    }

    private static RtmpTestClient publisher(String name) throws Exception {
        RtmpTestClient c = connect("live");
        c.command(1, "publish", 3, null, name, "live");
        return c;
    }

    private static void sendMedia(RtmpTestClient c, long tsMs, int count) {
        Frame vcfg = Frame.config(Codec.H264, 0, AvcConfig.build(SPS_720P, List.of(PPS)));
        Frame acfg = Frame.config(Codec.AAC, 0, AAC_LC_48K_STEREO);
        c.send(new RtmpMessage(6, MessageType.VIDEO, 0, 1, FlvWriter.videoTag(vcfg)));
        c.send(new RtmpMessage(4, MessageType.AUDIO, 0, 1, FlvWriter.audioTag(acfg, null)));
        for (int i = 0; i < count; i++) {
            long ts = tsMs + i * 33L;
            byte[] nal = {0, 0, 0, 3, (byte) (i % 30 == 0 ? 0x65 : 0x41), (byte) 0x88, (byte) i};
            Frame v = Frame.media(Codec.H264, ts * 1000, ts * 1000, i % 30 == 0, nal);
            c.send(new RtmpMessage(6, MessageType.VIDEO, ts, 1, FlvWriter.videoTag(v)));
            Frame a = Frame.media(Codec.AAC, ts * 1000, ts * 1000, true, new byte[] {0x21, 0x10, (byte) i});
            c.send(new RtmpMessage(4, MessageType.AUDIO, ts, 1, FlvWriter.audioTag(a, null)));
        }
    }

    private static Stream awaitStream(String name) throws Exception {
        long deadline = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < deadline) {
            var s = streams.find(name);
            if (s.isPresent() && s.get().description().width() > 0 && s.get().description().hasAudio()) {
                return s.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("stream " + name + " not published");
    }

    @Test
    void publishDescribesTheStreamAndAPlayerStartsOnTheSequenceHeaderThenAKeyframe() throws Exception {
        try (RtmpTestClient pub = publisher("cam1?token=abc")) {
            pub.awaitCommand(StatusCode.PUBLISH_START, 3000);
            sendMedia(pub, 1000, 40);
            Stream s = awaitStream("cam1");
            assertEquals(1280, s.description().width());
            assertEquals(720, s.description().height());
            assertEquals(Codec.AAC, s.description().audioCodec());
            assertEquals(48000, s.description().sampleRate());
            assertEquals("abc", s.publisher().query().get("token"), "query parameters kept for ACLs");
            assertEquals("live", s.publisher().appKey());

            try (RtmpTestClient player = connect("live")) {
                player.command(1, "play", 3, null, "cam1");
                player.awaitCommand(StatusCode.PLAY_START, 3000);
                sendMedia(pub, 2400, 5); // the join is admitted on the next published frame
                RtmpMessage first = player.await(m -> m.typeId() == MessageType.VIDEO, 3000, "video");
                assertEquals(0x17, first.payload()[0] & 0xFF, "AVC keyframe header");
                assertEquals(0, first.payload()[1], "sequence header first");
                List<RtmpMessage> video = player.received.stream().filter(m -> m.typeId() == MessageType.VIDEO).toList();
                player.await(m -> m.typeId() == MessageType.VIDEO && m.payload()[1] == 1, 3000, "coded video");
                RtmpMessage firstCoded = player.received.stream()
                        .filter(m -> m.typeId() == MessageType.VIDEO && m.payload()[1] == 1).findFirst().orElseThrow();
                assertEquals(0x17, firstCoded.payload()[0] & 0xFF, "player starts on a keyframe: " + video.size());
                assertEquals(1, s.readers().size());
            }
        }
    }

    @Test
    void secondPublisherOfALiveNameIsRefusedWithBadName() throws Exception {
        try (RtmpTestClient first = publisher("dup")) {
            first.awaitCommand(StatusCode.PUBLISH_START, 3000);
            sendMedia(first, 0, 3);
            try (RtmpTestClient second = publisher("dup")) {
                second.awaitCommand(StatusCode.PUBLISH_BAD_NAME, 3000);
            }
            assertTrue(streams.find("dup").isPresent());
        }
    }

    @Test
    void silentPublisherLosesItsNameToANewOne() throws Exception {
        try (RtmpTestClient first = publisher("idle")) {
            first.awaitCommand(StatusCode.PUBLISH_START, 3000);
            sendMedia(first, 0, 1);
            Thread.sleep(1700); // publishIdleTimeoutMs = 1500
            try (RtmpTestClient second = publisher("idle")) {
                second.awaitCommand(StatusCode.PUBLISH_START, 3000);
                long deadline = System.currentTimeMillis() + 3000;
                while (!first.isClosed() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(first.isClosed(), "the stale publisher is disconnected");
            }
        }
    }

    @Test
    void playerOfAnUnpublishedNameGetsStreamNotFoundAfterTheWait() throws Exception {
        try (RtmpTestClient player = connect("live")) {
            long t0 = System.currentTimeMillis();
            player.command(1, "play", 3, null, "nobody");
            player.awaitCommand(StatusCode.PLAY_STREAM_NOT_FOUND, 3000);
            assertTrue(System.currentTimeMillis() - t0 >= 350, "waited playWaitTimeoutMs first");
        }
    }

    @Test
    void playerWaitingForANameStartsWhenItIsPublished() throws Exception {
        try (RtmpTestClient player = connect("live")) {
            player.command(1, "play", 3, null, "late");
            Thread.sleep(100);
            try (RtmpTestClient pub = publisher("late")) {
                pub.awaitCommand(StatusCode.PUBLISH_START, 3000);
                player.awaitCommand(StatusCode.PLAY_START, 3000);
                sendMedia(pub, 0, 31);
                player.await(m -> m.typeId() == MessageType.VIDEO, 3000, "video");
            }
        }
    }

    @Test
    void terminatingAStreamCutsThePublisherAndTellsPlayers() throws Exception {
        RtmpTestClient pub = publisher("term");
        pub.awaitCommand(StatusCode.PUBLISH_START, 3000);
        sendMedia(pub, 0, 31);
        Stream s = awaitStream("term");
        try (RtmpTestClient player = connect("live")) {
            player.command(1, "play", 3, null, "term");
            player.awaitCommand(StatusCode.PLAY_START, 3000);
            sendMedia(pub, 1100, 2);
            player.await(m -> m.typeId() == MessageType.VIDEO, 3000, "video");
            s.terminate();
            s.end("Stopped by rest /terminate");
            player.awaitCommand(StatusCode.PLAY_UNPUBLISH_NOTIFY, 3000);
            long deadline = System.currentTimeMillis() + 3000;
            while (!pub.isClosed() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(pub.isClosed(), "publisher connection cut");
            assertTrue(streams.find("term").isEmpty());
        } finally {
            pub.close();
        }
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        try (RtmpTestClient pub = publisher("survivor")) {
            pub.awaitCommand(StatusCode.PUBLISH_START, 3000);
            try (RtmpTestClient bad = connect("live")) {
                byte[] junk = new byte[4096];
                new java.util.Random(7).nextBytes(junk);
                junk[0] = 0x03; // a plausible basic header, then nonsense
                bad.sendRaw(junk);
                long deadline = System.currentTimeMillis() + 3000;
                while (!bad.isClosed() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(bad.isClosed(), "the garbage connection is closed");
            }
            sendMedia(pub, 0, 3);
            Stream s = awaitStream("survivor");
            long deadline = System.currentTimeMillis() + 3000;
            while (s.videoFrames() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(3, s.videoFrames(), "other sessions keep working");
        }
        assertEquals(0, connections.all().stream().filter(c -> c.appKey().isEmpty()).count());
    }
}
