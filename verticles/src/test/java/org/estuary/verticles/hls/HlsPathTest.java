package org.estuary.verticles.hls;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class HlsPathTest {

    @Test
    void acceptsPlaylistsAndGeneratedFileNames() {
        assertTrue(HlsPath.parse("/cam1/cam1.m3u8").isMediaPlaylist());
        assertTrue(HlsPath.parse("/cam1/master.m3u8").isMaster());
        assertEquals("video/mp2t", HlsPath.parse("/cam1/12.ts").contentType().toString());
        assertEquals("video/mp4", HlsPath.parse("/cam1/init-0.mp4").contentType().toString());
        assertArrayEquals(new long[] {7, 3}, HlsPath.parse("/cam1/7.3.m4s").partId());
        assertNull(HlsPath.parse("/cam1/7.m4s").partId());
        assertEquals("my cam", HlsPath.parse("/my%20cam/my%20cam.m3u8").stream());
        assertEquals("application/vnd.apple.mpegurl", HlsPath.parse("/a.b/a.b.m3u8").contentType().toString());
    }

    @Test
    void rejectsTraversalOtherLevelsAndUnknownFiles() {
        for (String bad : new String[] {"/../x.m3u8", "/cam/../../etc/passwd", "/cam/..%2F..%2Fetc%2Fpasswd",
                "/..%2Fetc/passwd", "/a%2Fb/a%2Fb.m3u8", "/./..m3u8", "/cam/cam.m3u8/x", "/cam", "/", "",
                "/cam/other.m3u8", "/cam/x.ts", "/cam/1.ts.bak", "/cam/init-x.mp4", "/cam/%zz.ts", "cam/cam.m3u8",
                "/a%5Cb/a%5Cb.m3u8", "/%00/%00.m3u8"}) {
            assertNull(HlsPath.parse(bad), bad);
        }
    }
}
