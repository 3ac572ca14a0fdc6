package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtmpClientParamsTest {

    @Test
    void plainUrlGivesAppTcUrlAndName() {
        RtmpClientParams p = RtmpClientParams.of("rtmp://example.org:1940/live/cam1");
        assertEquals("live", p.connectApp());
        assertEquals("rtmp://example.org:1940/live", p.connectTcUrl());
        assertEquals("cam1", p.wireStreamName());
    }

    @Test
    void credentialsTravelAsConnectQueryParamsNotInTheName() {
        RtmpClientParams p = RtmpClientParams.of("rtmp://bob:s3cr%t@example.org/live/cam1");
        assertEquals("live?user=bob&pass=s3cr%25t", p.connectApp());
        assertEquals("rtmp://example.org/live?user=bob&pass=s3cr%25t", p.connectTcUrl());
        assertEquals("cam1", p.wireStreamName());
        assertFalse(p.redacted().contains("s3cr"), p.redacted());
        assertEquals("rtmp://bob:***@example.org/live/cam1", p.redacted());
    }

    @Test
    void urlQueryGoesToConnectAndStreamName() {
        RtmpClientParams p = RtmpClientParams.of("rtmp://u@h/app/key?token=a b&x");
        assertEquals("app?token=a+b&x&user=u", p.connectApp());
        assertEquals("key?token=a+b&x", p.wireStreamName());
    }

    @Test
    void explicitStreamNameOverridesTheUrl() {
        RtmpClientParams p = new RtmpClientParams(RtmpUrl.parse("rtmps://h/live"), "rtmp_cam1");
        assertEquals("rtmps://h/live", p.connectTcUrl());
        assertEquals(443, p.url().port());
        assertEquals("rtmp_cam1", p.wireStreamName());
    }

    @Test
    void missingStreamNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RtmpClientParams.of("rtmp://h/live"));
        assertTrue(e.getMessage().contains("no stream name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RtmpClientParams.of("http://h/live/x"));
        assertThrows(IllegalArgumentException.class, () -> RtmpClientParams.of("rtmp:///live/x"));
    }
}
