package org.estuary.verticles.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding WCS WebSocket messages: the shapes clients send, and garbage that must be refused, never thrown. */
class WcsFrameTest {

    @Test
    void decodesAClientMessage() {
        var d = WcsFrame.decode("{\"message\":\"connection\",\"data\":[{\"appKey\":\"defaultApp\"}]}");
        WcsFrame f = assertInstanceOf(WcsFrame.Ok.class, d).frame();
        assertEquals("connection", f.message());
        assertTrue(f.hasArgs());
        assertEquals("defaultApp", f.args().getString("appKey"));
    }

    @Test
    void pingWithNullDataAndMissingData() {
        WcsFrame ping = assertInstanceOf(WcsFrame.Ok.class, WcsFrame.decode("{\"message\":\"ping\",\"data\":[null]}")).frame();
        assertFalse(ping.hasArgs());
        assertEquals(new JsonObject(), ping.args());
        WcsFrame bare = assertInstanceOf(WcsFrame.Ok.class, WcsFrame.decode("{\"message\":\"pong\"}")).frame();
        assertTrue(bare.data().isEmpty());
    }

    @Test
    void roundTripsServerMessagesWithPositionalData() {
        String text = WcsFrame.of("setRemoteSDP", "id-1", "v=0\r\n").encode();
        WcsFrame f = assertInstanceOf(WcsFrame.Ok.class, WcsFrame.decode(text)).frame();
        assertEquals("setRemoteSDP", f.message());
        assertEquals(new JsonArray().add("id-1").add("v=0\r\n"), f.data());
        assertEquals("{\"message\":\"ping\",\"data\":[null]}", WcsFrame.of("ping", (Object) null).encode());
    }

    @Test
    void refusesGarbageWithAReason() {
        List<String> bad = List.of("", "   ", "nope", "[]", "42", "\"s\"", "{}", "{\"message\":1}", "{\"message\":\"\"}",
                "{\"message\":\"x\",\"data\":{}}", "{\"message\":\"x\",\"data\":\"s\"}", "{\"message\":\"x\"",
                "{\"message\":\"" + "a".repeat(WcsFrame.MAX_NAME_LENGTH + 1) + "\"}");
        for (String text : bad) {
            var d = WcsFrame.decode(text);
            WcsFrame.Bad b = assertInstanceOf(WcsFrame.Bad.class, d, text);
            assertFalse(b.reason().isBlank(), text);
        }
        assertInstanceOf(WcsFrame.Bad.class, WcsFrame.decode(null));
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(12);
        String seed = "{\"message\":\"publishStream\",\"data\":[{\"mediaSessionId\":\"a\",\"name\":\"s\",\"sdp\":\"v=0\"}]}";
        for (int i = 0; i < 5000; i++) {
            char[] c = seed.toCharArray();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                c[r.nextInt(c.length)] = (char) r.nextInt(128);
            }
            String text = new String(c, 0, r.nextInt(c.length + 1));
            var d = WcsFrame.decode(text); // must return, Ok or Bad
            assertTrue(d instanceof WcsFrame.Ok || d instanceof WcsFrame.Bad);
        }
    }

    @Test
    void clientLogLevels() {
        assertEquals(ClientLogLevel.DEBUG, ClientLogLevel.ofLine("10:00:00 DEBUG core - text"));
        assertEquals(ClientLogLevel.INFO, ClientLogLevel.ofLine("garbage"));
        assertEquals(ClientLogLevel.INFO, ClientLogLevel.ofLine("10:00:00 LOUD core - text"));
        assertTrue(ClientLogLevel.INFO.admits(ClientLogLevel.ERROR));
        assertFalse(ClientLogLevel.INFO.admits(ClientLogLevel.DEBUG));
        assertEquals(ClientLogLevel.WARN, ClientLogLevel.parse(" warn ").orElseThrow());
        assertTrue(ClientLogLevel.parse("loud").isEmpty());
        assertTrue(ClientLogLevel.parse(null).isEmpty());
    }
}
