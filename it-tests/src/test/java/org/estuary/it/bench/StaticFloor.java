package org.estuary.it.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;

/**
 * Runs {@link StaticFloorServer} in its own JVM with the flags {@code scripts/run.sh} gives Estuary
 * ({@code conf/jvm.options}) and the benchmark's own class path, on a free loopback port.
 */
final class StaticFloor implements AutoCloseable {
    private final Process process;
    private final int port;

    private StaticFloor(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static StaticFloor start(String mode, Path root) throws Exception {
        int port = Ports.free();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(EstuaryProcess.runShJvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StaticFloorServer.class.getName(), mode,
                root.toString(), String.valueOf(port)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        // readLine blocks until the server prints; a server that dies ends the stream (null)
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("listening")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "static-floor-out");
                drain.setDaemon(true);
                drain.start();
                return new StaticFloor(p, port);
            }
            seen.append(line).append('\n');
        }
        p.destroyForcibly();
        throw new AssertionError(mode + " static server did not start: " + seen);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        Ffmpeg.stop(process); // any process: SIGTERM, then SIGKILL after 5 s
    }
}
