package org.estuary.core.rtsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtspParserTest {
    private final List<RtspMessage> messages = new ArrayList<>();
    private final List<String> packets = new ArrayList<>();
    private final RtspParser parser = new RtspParser(new RtspParser.Sink() {
        @Override
        public void message(RtspMessage m) {
            messages.add(m);
        }

        @Override
        public void interleaved(int channel, byte[] data) {
            packets.add(channel + ":" + new String(data, StandardCharsets.ISO_8859_1));
        }
    }, 1024, 4096);

    private void feed(String s) throws RtspProtocolException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        parser.feed(b, 0, b.length);
    }

    @Test
    void responseWithBodyAndInterleavedFramesFedByteByByte() throws Exception {
        String wire = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\ncontent-length: 5\r\n\r\nv=0\r\n"
                + "$\u0000\u0000\u0003abc" + "$\u0001\u0000\u0000"
                + "RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\nWWW-Authenticate: Basic realm=\"a\"\r\nWWW-Authenticate: Digest realm=\"b\"\r\n\r\n";
        for (char c : wire.toCharArray()) {
            feed(String.valueOf(c));
        }
        assertEquals(2, messages.size());
        RtspMessage ok = messages.get(0);
        assertFalse(ok.isRequest());
        assertEquals(200, ok.status());
        assertEquals(2, ok.cseq());
        assertEquals("application/sdp", ok.header("content-TYPE"));
        assertEquals("v=0\r\n", ok.bodyText());
        assertEquals(List.of("0:abc", "1:"), packets);
        assertEquals(401, messages.get(1).status());
        assertEquals(2, messages.get(1).headers("www-authenticate").size());
    }

    @Test
    void requestsSerializeAndParseBack() throws Exception {
        RtspMessage m = RtspMessage.request("SETUP", "rtsp://h/s/stream=0").header("CSeq", "4")
                .header("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1").body("x=1".getBytes());
        feed(new String(m.serialize(), StandardCharsets.ISO_8859_1));
        RtspMessage back = messages.get(0);
        assertTrue(back.isRequest());
        assertEquals("SETUP", back.method());
        assertEquals("rtsp://h/s/stream=0", back.uri());
        assertEquals("RTP/AVP/TCP;unicast;interleaved=0-1", back.header("transport"));
        assertEquals("3", back.header("Content-Length"));
        assertEquals("x=1", back.bodyText());
    }

    @Test
    void foldedHeadersAndBareLineFeeds() throws Exception {
        feed("RTSP/1.0 200 OK\nCSeq: 1\nPublic: OPTIONS,\n DESCRIBE\n\n");
        assertEquals("OPTIONS, DESCRIBE", messages.get(0).header("Public"));
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(RtspProtocolException.class, () -> feed("HTTP/1.1 200 OK\r\n\r\n"));
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed("RTSP/1.0 abc OK\r\n\r\n"));
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed("RTSP/1.0 200 OK\r\nno colon here\r\n\r\n"));
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed("RTSP/1.0 200 OK\r\nContent-Length: -4\r\n\r\n"));
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed("RTSP/1.0 200 OK\r\nContent-Length: 99999\r\n\r\n"));
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed("RTSP/1.0 200 OK\r\nContent-Length: x\r\n\r\n"));
    }

    @Test
    void oversizedHeadersAreRejectedEvenWithoutTheEnd() {
        String big = "RTSP/1.0 200 OK\r\nX: " + "a".repeat(2000);
        assertThrows(RtspProtocolException.class, () -> feed(big));
        String bigDone = "RTSP/1.0 200 OK\r\nX: " + "a".repeat(1100) + "\r\n\r\n";
        assertThrows(RtspProtocolException.class, () -> new RtspParserTest().feed(bigDone));
    }

    @Test
    void incompleteMessageWaitsForMore() throws Exception {
        feed("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 4\r\n\r\nab");
        assertTrue(messages.isEmpty());
        feed("cd");
        assertEquals("abcd", messages.get(0).bodyText());
    }
}
