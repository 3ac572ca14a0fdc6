package org.estuary.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;

/** Publishers and ffprobe helpers shared by the recording and snapshot it-tests. */
final class RecordingSupport {
    private RecordingSupport() { }

    /**
     * A live H.264 + AAC publisher of {@code source} (an lavfi video source such as
     * {@code color=c=red:size=640x360:rate=25}) with a keyframe every {@code gop} frames.
     */
    static Process publish(String url, String source, int gop, int seconds, String logName) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", source, "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop), "-sc_threshold", "0",
                "-bf", "0", "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2", "-f", "flv", url));
        return Ffmpeg.start(cmd, EstuaryProcess.logDir().resolve(logName + ".log"));
    }

    /** Waits until the stream is published with video and audio; returns its mediaSessionId. */
    static String awaitStream(EstuaryProcess server, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
            last = r.status() + " " + r.body();
            if (r.status() == 200) {
                JsonObject s = new JsonArray(r.body()).getJsonObject(0);
                if (s.getInteger("width") > 0 && s.getBoolean("hasAudio")) {
                    return s.getString("mediaSessionId");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + name + " never appeared: " + last + "\n" + EstuaryProcess.tail(server.log()));
    }

    /** ffprobe of a file: "codec_type=..|codec_name=.." lines per stream, then format duration. */
    static Peers.Result probe(Path file) throws Exception {
        return Peers.run(60, Peers.ffprobe(), "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames:format=duration",
                "-of", "compact=p=0", file.toString());
    }

    static double duration(Peers.Result r) {
        for (String line : r.output().split("\n")) {
            if (line.startsWith("duration=")) {
                return Double.parseDouble(line.substring("duration=".length()).trim());
            }
        }
        throw new AssertionError("no duration in ffprobe output: " + r.output());
    }

    static long count(Peers.Result r, String needle) {
        return r.output().lines().filter(l -> l.contains(needle)).count();
    }

    static int videoFrames(Peers.Result r) {
        for (String line : r.output().split("\n")) {
            if (line.contains("codec_type=video")) {
                for (String kv : line.split("\\|")) {
                    if (kv.startsWith("nb_read_frames=")) {
                        return Integer.parseInt(kv.substring(15).trim());
                    }
                }
            }
        }
        return 0;
    }
}
