package org.estuary.core.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders media and master playlists (RFC 8216bis text). */
public final class PlaylistWriter {
    private static final DateTimeFormatter PDT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private PlaylistWriter() { }

    /**
     * A live media playlist.
     *
     * @param segments          the window, oldest first; the last one may still be open (LL parts only)
     * @param discontinuitySeq  discontinuities that already left the window
     * @param targetDurationSec EXT-X-TARGETDURATION (whole seconds, never below any EXTINF rounded)
     * @param preloadHint       URI of the next part (low latency), or null
     */
    public static String media(List<HlsSegment> segments, long discontinuitySeq, int targetDurationSec,
                               HlsSettings settings, String preloadHint) {
        StringBuilder b = new StringBuilder(1024);
        b.append("#EXTM3U\n");
        b.append("#EXT-X-VERSION:").append(settings.lowLatency() ? 9 : 3).append('\n');
        b.append("#EXT-X-TARGETDURATION:").append(targetDurationSec).append('\n');
        if (settings.lowLatency()) {
            double part = settings.partTargetUs() / 1e6;
            b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").append(num(part * 3)).append('\n');
            b.append("#EXT-X-PART-INF:PART-TARGET=").append(num(part)).append('\n');
        }
        long first = segments.isEmpty() ? 0 : segments.get(0).sequence();
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        if (discontinuitySeq > 0) {
            b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySeq).append('\n');
        }
        String map = null;
        for (int i = 0; i < segments.size(); i++) {
            HlsSegment s = segments.get(i);
            if (s.discontinuity()) {
                b.append("#EXT-X-DISCONTINUITY\n");
            }
            if (s.initUri() != null && !s.initUri().equals(map)) {
                map = s.initUri();
                b.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
            }
            if (s.programDateTimeMs() > 0 && (i == 0 || s.discontinuity())) {
                b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(Instant.ofEpochMilli(s.programDateTimeMs())))
                        .append('\n');
            }
            for (HlsPart p : s.parts()) {
                b.append("#EXT-X-PART:DURATION=").append(num(p.durationSec())).append(",URI=\"").append(p.uri())
                        .append('"');
                if (p.independent()) {
                    b.append(",INDEPENDENT=YES");
                }
                b.append('\n');
            }
            if (s.complete()) {
                b.append("#EXTINF:").append(num(s.durationSec())).append(",\n").append(s.uri()).append('\n');
            }
        }
        if (preloadHint != null) {
            b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(preloadHint).append("\"\n");
        }
        return b.toString();
    }

    /**
     * A master playlist with one entry per variant (today one: the source rendition). Built for ABR:
     * transcoded renditions become more {@link Variant}s.
     */
    public static String master(List<Variant> variants, boolean lowLatency) {
        StringBuilder b = new StringBuilder(256);
        b.append("#EXTM3U\n#EXT-X-VERSION:").append(lowLatency ? 9 : 3).append('\n');
        b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (Variant v : variants) {
            b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(Math.max(1, v.bandwidth()));
            if (v.width() > 0 && v.height() > 0) {
                b.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
            }
            if (v.codecs() != null && !v.codecs().isEmpty()) {
                b.append(",CODECS=\"").append(v.codecs()).append('"');
            }
            b.append('\n').append(v.uri()).append('\n');
        }
        return b.toString();
    }

    /** One master-playlist entry. */
    public record Variant(String uri, long bandwidth, int width, int height, String codecs) { }

    /** {@code v} with three decimals, as {@code %.3f} in the root locale, without a Formatter per call. */
    static String num(double v) {
        long thousandths = Math.round(v * 1000);
        String sign = thousandths < 0 ? "-" : "";
        long abs = Math.abs(thousandths);
        long frac = abs % 1000;
        return sign + abs / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }
}
