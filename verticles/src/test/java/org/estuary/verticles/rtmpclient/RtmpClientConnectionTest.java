package org.estuary.verticles.rtmpclient;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Vertx;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpClientParams;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.session.RtmpMetrics;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.rtmp.RtmpServerVerticle;
import org.estuary.verticles.rtmp.RtmpSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RTMP client against our own RTMP server: publish with credentials, play it back, refusals. */
class RtmpClientConnectionTest {
    private static final byte[] SPS_720P = HexFormat.of().parseHex("6742c01fd9005005bb0110000003001000000303c0f1832480");
    private static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");

    private static Vertx vertx;
    private static StreamRegistry streams;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        streams = new StreamRegistry(256, 300, 8 << 20);
        RtmpSettings s = new RtmpSettings("127.0.0.1", 0, 4096, 2_500_000, 1500, 400, 2000, 30_000, 8 << 20, 0);
        RtmpServerVerticle v = new RtmpServerVerticle(s, streams, new ConnectionRegistry(), new RtmpMetrics());
        vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        port = v.actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Records what a connection reports. */
    static final class Recorder implements RtmpClientConnection.Listener {
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final List<RtmpMessage> media = new CopyOnWriteArrayList<>();
        volatile boolean refused;

        @Override
        public void onStarted() {
            started.complete(null);
        }

        @Override
        public void onMedia(RtmpMessage m) {
            media.add(m);
        }

        @Override
        public void onClosed(String reason, boolean refusedByServer) {
            refused = refusedByServer;
            closed.complete(reason);
        }
    }

    @Test
    void publishesWithCredentialsAndPlaysBack() throws Exception {
        Recorder pub = new Recorder();
        RtmpClientParams target = RtmpClientParams.of("rtmp://bob:secret@127.0.0.1:" + port + "/live/cli1?key=k1");
        RtmpClientConnection c = new RtmpClientConnection(vertx, target, RtmpClientConnection.Role.PUBLISH, pub);
        vertx.runOnContext(v -> c.connect());
        pub.started.get(5, TimeUnit.SECONDS);
        Stream s = streams.find("cli1").orElseThrow();
        assertEquals("live", s.publisher().appKey(), "credentials travel as query params, not in the app name");
        assertEquals("k1", s.publisher().query().get("key"), "the URL query reaches the stream name");

        Recorder player = new Recorder();
        RtmpClientConnection p = new RtmpClientConnection(vertx, RtmpClientParams.of("rtmp://127.0.0.1:" + port + "/live/cli1"),
                RtmpClientConnection.Role.PLAY, player);
        vertx.runOnContext(v -> p.connect());

        MediaDescription d = MediaDescription.EMPTY.withVideo(Codec.H264, 1280, 720, 30);
        Frame cfg = Frame.config(Codec.H264, 0, AvcConfig.build(SPS_720P, List.of(PPS)));
        long deadline = System.currentTimeMillis() + 5000;
        int i = 0;
        while (player.media.stream().noneMatch(m -> m.typeId() == MessageType.VIDEO && m.timestamp() > 0)
                && System.currentTimeMillis() < deadline) {
            if (i == 0 || i % 30 == 0) {
                assertTrue(c.sendFrame(cfg, d) || !c.writable());
            }
            byte[] nal = {0, 0, 0, 3, (byte) (i % 30 == 0 ? 0x65 : 0x41), (byte) 0x88, (byte) i};
            c.sendFrame(Frame.media(Codec.H264, i * 33_000L, i * 33_000L, i % 30 == 0, nal), d);
            i++;
            Thread.sleep(33);
        }
        player.started.get(1, TimeUnit.SECONDS);
        assertTrue(player.media.stream().anyMatch(m -> m.typeId() == MessageType.VIDEO && m.timestamp() > 0),
                "the player receives the published video");
        assertEquals(1280, s.description().width());

        c.close("done");
        assertFalse(pub.refused);
        assertEquals("done", pub.closed.get(5, TimeUnit.SECONDS));
        p.close("done");
        player.closed.get(5, TimeUnit.SECONDS);
        long end = System.currentTimeMillis() + 3000;
        while (streams.find("cli1").isPresent() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertTrue(streams.find("cli1").isEmpty(), "closing the publisher ends the stream on the server");
    }

    @Test
    void aNameInUseIsARefusalWithTheServersReason() throws Exception {
        Stream taken = streams.publish("taken", new org.estuary.core.stream.PublisherInfo("x", "live", "test", java.util.Map.of()), 60_000);
        // a live publisher: the server only lets silent names be taken over
        long timer = vertx.setPeriodic(50, t -> taken.publish(Frame.media(Codec.AMF0, 0, 0, false, new byte[] {2, 0, 0})));
        Recorder pub = new Recorder();
        RtmpClientConnection c = new RtmpClientConnection(vertx, RtmpClientParams.of("rtmp://127.0.0.1:" + port + "/live/taken"),
                RtmpClientConnection.Role.PUBLISH, pub);
        vertx.runOnContext(v -> c.connect());
        String reason = pub.closed.get(5, TimeUnit.SECONDS);
        assertTrue(pub.refused, reason);
        assertTrue(reason.contains("NetStream.Publish.BadName"), reason);
        assertFalse(pub.started.isDone());
        vertx.cancelTimer(timer);
        taken.end("test done");
    }

    @Test
    void nothingListeningIsANetworkFailureNotARefusal() throws Exception {
        Recorder pub = new Recorder();
        RtmpClientConnection c = new RtmpClientConnection(vertx, RtmpClientParams.of("rtmp://127.0.0.1:1/live/x"),
                RtmpClientConnection.Role.PUBLISH, pub);
        vertx.runOnContext(v -> c.connect());
        String reason = pub.closed.get(15, TimeUnit.SECONDS);
        assertFalse(pub.refused, reason);
        assertTrue(reason.contains("cannot connect"), reason);
    }
}
