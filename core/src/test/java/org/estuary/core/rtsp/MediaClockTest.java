package org.estuary.core.rtsp;

import static org.junit.jupiter.api.Assertions.*;

import org.estuary.core.rtp.Rtcp;
import org.junit.jupiter.api.Test;

class MediaClockTest {
    private static long ntp(double seconds) {
        long secs = (long) seconds;
        long frac = (long) ((seconds - secs) * 4294967296.0);
        return (secs << 32) | frac;
    }

    @Test
    void tracksStartAtTheirFirstPacketArrivalThenFollowSenderReports() {
        MediaClock c = new MediaClock();
        MediaClock.Track video = c.track(90000);
        MediaClock.Track audio = c.track(48000);
        assertEquals(1_000, video.toMicros(90_000, 1_000));
        assertEquals(1_000 + 1_000_000, video.toMicros(180_000, 999_999));
        assertEquals(5_000, audio.toMicros(4_000_000, 5_000));
        // sender reports: at NTP 100.0 s video RTP was 180000, audio RTP 4_048_000 (i.e. 1 s after its first)
        video.senderReport(new Rtcp.SenderReport(1, ntp(100.0), 180_000));
        audio.senderReport(new Rtcp.SenderReport(2, ntp(100.0), 4_048_000));
        assertEquals(1_001_000 + 40_000, video.toMicros(183_600, 0), "video continues its own time line");
        long a = audio.toMicros(4_048_000, 0);
        assertEquals(1_001_000, a, 1, "audio moves onto the same NTP time line");
        assertTrue(video.synced() && audio.synced());
    }

    @Test
    void timestampsWrapAndNeverGoBackwards() {
        MediaClock.Track t = new MediaClock().track(90000);
        long a = t.toMicros(0xFFFFFF00L, 0);
        long b = t.toMicros(0x00000100L, 0);
        assertEquals(a + Math.floorDiv(0x200L * 1_000_000, 90000), b);
        assertEquals(b, t.toMicros(0x00000000L, 0), "an older timestamp is clamped");
        assertThrows(IllegalArgumentException.class, () -> new MediaClock().track(0));
    }
}
