package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RtmpUrlTest {

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
        "rtmp://host/live/cam1,                rtmp,  host,        1935, live, cam1, rtmp://host/live",
        "rtmp://host:1936/live/cam1,           rtmp,  host,        1936, live, cam1, rtmp://host:1936/live",
        "rtmps://host/live/cam1,               rtmps, host,        443,  live, cam1, rtmps://host/live",
        "RTMP://host/live,                     rtmp,  host,        1935, live, NULL, rtmp://host/live",
        "rtmp://host/live/inst/cam1,           rtmp,  host,        1935, live, cam1, rtmp://host/live",
        "rtmp://host/live/cam1/,               rtmp,  host,        1935, live, cam1, rtmp://host/live",
        "rtmp://10.0.0.1:19350/app/s?x=1,      rtmp,  10.0.0.1,    19350, app, s,    rtmp://10.0.0.1:19350/app",
        "rtmp://[::1]:1935/live/cam1,          rtmp,  ::1,         1935, live, cam1, rtmp://[::1]/live",
    })
    void parses(String url, String scheme, String host, int port, String app, String stream, String tcUrl) {
        RtmpUrl u = RtmpUrl.parse(url);
        assertEquals(scheme, u.scheme());
        assertEquals(host, u.host());
        assertEquals(port, u.port());
        assertEquals(app, u.app());
        assertEquals(stream, u.streamName());
        assertEquals(tcUrl, u.tcUrl());
    }

    @Test
    void userInfoAndQuery() {
        RtmpUrl u = RtmpUrl.parse("rtmp://bob:s%40cret@example.com/live/cam1?token=abc&flag&n=a%20b");
        assertEquals("bob", u.user());
        assertEquals("s%40cret", u.password()); // kept as typed: credentials are passed on verbatim
        assertEquals("example.com", u.host());
        assertEquals(Map.of("token", "abc", "flag", "", "n", "a b"), u.query());
        RtmpUrl plain = RtmpUrl.parse("rtmp://h/a");
        assertNull(plain.user());
        assertNull(plain.password());
        assertTrue(plain.query().isEmpty());
        assertTrue(RtmpUrl.parse("rtmps://h/a").isTls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "host/live", "http://host/live", "rtmp:///live", "rtmp://host",
        "rtmp://host/", "rtmp://host:abc/live", "rtmp://host:0/live", "rtmp://host:70000/live", "rtmp://[::1/live",
        "rtmp://[::1]x/live"})
    void rejectsBadUrls(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse(url));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse(null));
    }

    @ParameterizedTest
    @CsvSource({
        "cam1,                       cam1",
        "cam1?aclAuth=key,           cam1",
        "live/cam1?aclAuth=key,      cam1",
        "a/b/c,                      c",
        "cam1/,                      cam1",
    })
    void streamNames(String input, String name) {
        assertEquals(name, StreamNameParser.parse(input).name());
    }

    @Test
    void streamNameParams() {
        assertEquals(Map.of("aclAuth", "key"), StreamNameParser.parse("cam1?aclAuth=key").params());
        assertEquals(Map.of("a", "1", "b", "2"), StreamNameParser.parse("x?a=1&b=2").params());
        assertTrue(StreamNameParser.parse("x").params().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?a=1", "/", "//", " "})
    void emptyStreamNamesAreRejected(String input) {
        assertThrows(IllegalArgumentException.class, () -> StreamNameParser.parse(input));
    }
}
