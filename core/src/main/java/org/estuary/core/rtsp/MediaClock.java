package org.estuary.core.rtsp;

import org.estuary.core.rtp.Rtcp;

/**
 * Maps the RTP timestamps of a session's tracks onto one microsecond time line. Before any RTCP
 * sender report, each track starts at the arrival time of its first packet (so tracks are aligned
 * at their first packets); once sender reports give the NTP time of RTP timestamps, tracks are
 * placed by NTP, which is what keeps audio and video in sync (RFC 3550 §6.4.1). Output never
 * goes backwards per track. Not thread-safe: one per session, on the session's thread.
 */
public final class MediaClock {
    private Long ntpBaseUs;

    public Track track(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        return new Track(clockRate);
    }

    public final class Track {
        private final int clockRate;
        private long lastRaw = -1;
        private long ext;
        private long firstExt = -1;
        private long firstArrivalUs;
        private long srExt;
        private long srNtpUs;
        private boolean synced;
        private long lastOut = Long.MIN_VALUE;

        private Track(int clockRate) {
            this.clockRate = clockRate;
        }

        /** @param arrivalUs when the packet arrived, microseconds on the session's monotonic clock */
        public long toMicros(long rtpTimestamp, long arrivalUs) {
            long out = map(rtpTimestamp, arrivalUs);
            if (out < lastOut) {
                out = lastOut;
            }
            lastOut = out;
            return out;
        }

        /**
         * Like {@link #toMicros} but allowed to go backwards: video with B-frames presents frames
         * out of decode order, so its RTP (= presentation) timestamps do (see {@link DecodeTimeline}).
         */
        public long toPresentationMicros(long rtpTimestamp, long arrivalUs) {
            return map(rtpTimestamp, arrivalUs);
        }

        private long map(long rtpTimestamp, long arrivalUs) {
            long e = unwrap(rtpTimestamp);
            if (firstExt < 0) {
                firstExt = e;
                firstArrivalUs = arrivalUs;
            }
            return synced && ntpBaseUs != null
                    ? srNtpUs - ntpBaseUs + scale(e - srExt)
                    : firstArrivalUs + scale(e - firstExt);
        }

        /** An RTCP sender report for this track's source. Ignored before the track's first packet. */
        public void senderReport(Rtcp.SenderReport sr) {
            if (firstExt < 0) {
                return;
            }
            long e = near(sr.rtpTimestamp());
            if (ntpBaseUs == null) {
                // the first report of the session: keep this track's time line continuous
                ntpBaseUs = sr.ntpMicros() - (firstArrivalUs + scale(e - firstExt));
            }
            srExt = e;
            srNtpUs = sr.ntpMicros();
            synced = true;
        }

        public boolean synced() {
            return synced;
        }

        private long scale(long ticks) {
            return Math.floorDiv(ticks * 1_000_000L, clockRate);
        }

        private long unwrap(long raw) {
            raw &= 0xFFFFFFFFL;
            if (lastRaw < 0) {
                ext = raw + (1L << 32); // headroom below for slightly older timestamps
            } else {
                ext = near(raw);
            }
            lastRaw = raw;
            return ext;
        }

        /** The extended value of {@code raw} closest to the last one. */
        private long near(long raw) {
            raw &= 0xFFFFFFFFL;
            if (lastRaw < 0) {
                return raw + (1L << 32);
            }
            long c = (ext & ~0xFFFFFFFFL) + raw;
            if (c - ext > (1L << 31)) {
                c -= 1L << 32;
            } else if (ext - c > (1L << 31)) {
                c += 1L << 32;
            }
            return c;
        }
    }
}
