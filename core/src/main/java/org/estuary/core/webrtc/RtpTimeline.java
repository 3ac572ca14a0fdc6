package org.estuary.core.webrtc;

/**
 * One RTP source's timestamps as a continuous microsecond time line, for media forwarded packet by
 * packet (a WebRTC publisher's Opus to WebRTC players): packet times step exactly as the RTP
 * timestamps do (a lost packet leaves its gap, two packets never share a time), anchored on the
 * session clock's time of the first packet. The session clock itself moves when RTCP sender
 * reports arrive and never goes backwards, which turned small backward steps into repeated
 * timestamps; this line only re-anchors when the two differ by more than {@code maxDriftUs} (a
 * source that restarted its timestamps or paused). Not thread-safe.
 */
public final class RtpTimeline {
    private final int clockRate;
    private final long maxDriftUs;
    private long lastRaw = -1;
    private long ext;
    private long anchorExt;
    private long anchorUs;
    private long reanchors;

    public RtpTimeline(int clockRate, long maxDriftUs) {
        if (clockRate <= 0 || maxDriftUs <= 0) {
            throw new IllegalArgumentException("clock rate and drift bound must be positive");
        }
        this.clockRate = clockRate;
        this.maxDriftUs = maxDriftUs;
    }

    /**
     * @param rtpTimestamp the packet's 32-bit RTP timestamp
     * @param clockUs      the session clock's time for the packet (anchor and drift check)
     */
    public long toMicros(long rtpTimestamp, long clockUs) {
        long raw = rtpTimestamp & 0xFFFFFFFFL;
        if (lastRaw < 0) {
            ext = raw;
            lastRaw = raw;
            anchorExt = ext;
            anchorUs = clockUs;
            return clockUs;
        }
        int delta = (int) (raw - lastRaw); // signed 32-bit difference: wraps and small reorderings
        ext += delta;
        lastRaw = raw;
        long us = anchorUs + Math.floorDiv((ext - anchorExt) * 1_000_000L, clockRate);
        if (Math.abs(us - clockUs) > maxDriftUs) {
            anchorExt = ext;
            anchorUs = clockUs;
            reanchors++;
            return clockUs;
        }
        return us;
    }

    /** Times the line was re-anchored on the session clock. */
    public long reanchors() {
        return reanchors;
    }
}
