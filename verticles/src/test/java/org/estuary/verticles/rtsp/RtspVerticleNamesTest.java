package org.estuary.verticles.rtsp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtspVerticleNamesTest {
    @Test
    void playNamesThatStandForRtspUris() {
        assertEquals("rtsp://127.0.0.1:8554/test", RtspVerticle.decodeRtspName("rtsp%3A%2F%2F127.0.0.1%3A8554%2Ftest"));
        assertEquals("RTSP://u:p@cam/a+b", RtspVerticle.decodeRtspName("RTSP%3a%2F%2Fu%3Ap%40cam%2Fa+b"));
        assertEquals("rtsp://cam/x", RtspVerticle.decodeRtspName("rtsp://cam/x"));
        assertNull(RtspVerticle.decodeRtspName("cam1"));
        assertNull(RtspVerticle.decodeRtspName("rtmp%3A%2F%2Fx"));
        assertNull(RtspVerticle.decodeRtspName("rtsp%3A%2F%2Fbad%ZZ"), "broken escapes are not an rtsp uri");
    }
}
