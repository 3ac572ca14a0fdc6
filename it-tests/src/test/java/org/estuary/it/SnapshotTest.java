package org.estuary.it;

import static org.estuary.it.RecordingSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /stream/snapshot of solid colour publishers: a PNG of the stream's size with the right colour. */
class SnapshotTest {
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        server = EstuaryProcess.start("snapshot");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop());
        }
    }

    private static void assertCentre(String stream, String colour, int r, int g, int b) throws Exception {
        Process pub = publish(server.rtmpUrl(stream), "color=c=" + colour + ":size=640x360:rate=25", 50, 0, "snapshot-" + stream);
        try {
            awaitStream(server, stream);
            EstuaryProcess.Http resp = server.post("/stream/snapshot", new JsonObject().put("streamName", stream).encode());
            assertEquals(200, resp.status(), resp.body());
            byte[] png = Base64.getDecoder().decode(new JsonObject(resp.body()).getString("data"));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(img, "a PNG");
            assertEquals(640, img.getWidth());
            assertEquals(360, img.getHeight());
            int px = img.getRGB(320, 180);
            String got = Integer.toHexString(px & 0xFFFFFF);
            assertEquals(r, (px >> 16) & 0xFF, 12, got);
            assertEquals(g, (px >> 8) & 0xFF, 12, got);
            assertEquals(b, px & 0xFF, 12, got);
        } finally {
            Ffmpeg.stop(pub);
        }
    }

    @Test
    void redThenBlue() throws Exception {
        assertCentre("red", "red", 255, 0, 0);
        assertCentre("blue", "blue", 0, 0, 255);
    }

    @Test
    void unknownStreamIs404() throws Exception {
        assertEquals(404, server.post("/stream/snapshot", "{\"streamName\":\"nothing\"}").status());
    }
}
