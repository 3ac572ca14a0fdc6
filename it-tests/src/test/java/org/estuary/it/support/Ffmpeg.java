package org.estuary.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** ffmpeg publishers and ffprobe readers, the real peers of most it-tests. */
public final class Ffmpeg {
    private Ffmpeg() { }

    /**
     * Starts a live test-pattern publisher ({@code testsrc2} + sine tone, H.264 baseline without
     * B-frames, 2 s GOP, AAC stereo, real time) to {@code url}. {@code seconds <= 0} runs until stopped.
     */
    public static Process publish(String url, String size, int fps, int seconds, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-b:v", "1000k", "-g", String.valueOf(fps * 2), "-keyint_min", String.valueOf(fps * 2),
                "-sc_threshold", "0", "-bf", "0", "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"));
        cmd.addAll(formatFor(url));
        cmd.add(url);
        return start(cmd, log);
    }

    private static List<String> formatFor(String url) {
        if (url.startsWith("rtmp")) {
            return List.of("-f", "flv");
        }
        if (url.startsWith("rtsp")) {
            return List.of("-f", "rtsp", "-rtsp_transport", "tcp");
        }
        return List.of("-f", "mpegts");
    }

    /**
     * Starts a long-running RTMP player: ffmpeg reads {@code url} in real time and discards the media
     * ({@code -f null}), so the process lives exactly as long as the server keeps the play going.
     * A 15 s read timeout makes a stalled connection end the process instead of hanging it.
     */
    public static Process play(String url, Path log) throws IOException {
        return start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "info",
                "-rw_timeout", "15000000", "-i", url, "-map", "0", "-c", "copy", "-f", "null", "-"), log);
    }

    public static Process start(List<String> cmd, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    public static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads {@code seconds} of media from {@code url} with ffprobe, decoding every frame, and
     * returns what each stream carried.
     */
    public static Probe probe(String url, int seconds) throws IOException, InterruptedException {
        Peers.Result r = Peers.run(seconds + 30L, Peers.ffprobe(), "-hide_banner", "-v", "error",
                "-rw_timeout", "15000000", "-read_intervals", "%+" + seconds, "-count_frames",
                "-show_entries", "stream=index,codec_type,codec_name,profile,width,height,sample_rate,channels,nb_read_frames",
                "-of", "compact=p=0", url);
        return Probe.parse(r);
    }

    /** One ffprobe run: per-stream fields, and the raw result for diagnostics. */
    public record Probe(List<Map<String, String>> streams, Peers.Result result) {
        static Probe parse(Peers.Result r) {
            List<Map<String, String>> streams = new ArrayList<>();
            for (String line : r.output().split("\n")) {
                if (!line.contains("codec_type=")) {
                    continue;
                }
                Map<String, String> f = new HashMap<>();
                for (String kv : line.trim().split("\\|")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        f.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                streams.add(f);
            }
            return new Probe(streams, r);
        }

        public Map<String, String> video() {
            return streams.stream().filter(s -> "video".equals(s.get("codec_type"))).findFirst().orElse(Map.of());
        }

        public Map<String, String> audio() {
            return streams.stream().filter(s -> "audio".equals(s.get("codec_type"))).findFirst().orElse(Map.of());
        }

        public int videoFrames() {
            return intOf(video().get("nb_read_frames"));
        }

        public int audioFrames() {
            return intOf(audio().get("nb_read_frames"));
        }

        private static int intOf(String s) {
            try {
                return s == null ? 0 : Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        @Override
        public String toString() {
            return "Probe{" + streams + ", exit=" + result.exitCode() + ", output=" + result.output() + "}";
        }
    }
}
