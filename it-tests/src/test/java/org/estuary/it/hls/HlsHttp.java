package org.estuary.it.hls;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estuary.it.support.Peers;

/** Plain HTTP access to the HLS port, playlist parsing, and ffprobe packet timing. */
final class HlsHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HlsHttp() { }

    record Answer(int status, byte[] body, Map<String, List<String>> headers, long millis) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    static Answer get(String url) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("User-Agent", "estuary-it").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> h = new HashMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(), v));
        return new Answer(r.statusCode(), r.body(), h, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A segment line of a media playlist with its EXTINF and the program date time of its start. */
    record Segment(long sequence, String uri, double duration, Instant start) { }

    static List<Segment> segments(String playlist) {
        long seq = 0;
        Matcher ms = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)").matcher(playlist);
        if (ms.find()) {
            seq = Long.parseLong(ms.group(1));
        }
        List<Segment> out = new ArrayList<>();
        Double extinf = null;
        Instant pdt = null;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pdt = Instant.parse(line.substring(25).replace("+00:00", "Z"));
            } else if (line.startsWith("#EXTINF:")) {
                extinf = Double.parseDouble(line.substring(8, line.indexOf(',')));
            } else if (!line.startsWith("#") && !line.isBlank() && extinf != null) {
                out.add(new Segment(seq++, line.trim(), extinf, pdt));
                pdt = pdt == null ? null : pdt.plusNanos((long) (extinf * 1e9));
                extinf = null;
            }
        }
        return out;
    }

    /** Per-stream decode timestamps (seconds) of every packet ffprobe read in {@code seconds} of playback. */
    static Map<String, List<Double>> packetTimes(String url, int seconds) throws Exception {
        Peers.Result r = Peers.run(seconds + 40L, Peers.ffprobe(), "-hide_banner", "-v", "error",
                "-rw_timeout", "15000000", "-read_intervals", "%+" + seconds,
                "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0", url);
        Map<String, List<Double>> out = new HashMap<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 2 && (f[0].equals("video") || f[0].equals("audio")) && !f[1].equals("N/A")) {
                out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Double.parseDouble(f[1]));
            }
        }
        assertFalse(out.isEmpty(), "ffprobe read no packets: " + r);
        return out;
    }

    /** The largest step between consecutive decode times; fails on a step backwards. */
    static double maxGap(List<Double> dts) {
        double max = 0;
        for (int i = 1; i < dts.size(); i++) {
            double d = dts.get(i) - dts.get(i - 1);
            assertTrue(d > -1e-6, "decode time went backwards at packet " + i + ": " + dts.get(i - 1) + " -> " + dts.get(i));
            max = Math.max(max, d);
        }
        return max;
    }
}
