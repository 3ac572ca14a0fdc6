package org.estuary.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real server jar ({@code verticles/target/estuary.jar}) as a child process on loopback with
 * free ports. Its output goes to {@code it-tests/target/it-logs/<name>.log}.
 */
public final class EstuaryProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Thread logPump;
    private final int restPort;
    private final int rtmpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EstuaryProcess(Process process, Path log, Thread logPump, int restPort, int rtmpPort) {
        this.process = process;
        this.log = log;
        this.logPump = logPump;
        this.restPort = restPort;
        this.rtmpPort = rtmpPort;
    }

    public static Path jar() {
        String p = System.getProperty("estuary.jar", "../verticles/target/estuary.jar");
        Path jar = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("server jar missing: " + jar + " (build with mvn package first)");
        }
        return jar;
    }

    public static Path logDir() {
        return Path.of("target", "it-logs").toAbsolutePath();
    }

    /** Starts a node with every TCP port free and loopback-only, plus {@code extraSets}. */
    public static EstuaryProcess start(String name, String... extraSets) throws Exception {
        int rest = Ports.free();
        int rtmp = Ports.free();
        List<String> sets = loopbackSets(rest, rtmp);
        sets.addAll(List.of(extraSets));
        return startRaw(name, rest, rtmp, sets);
    }

    /**
     * The server as users run it, for benchmarks: the JVM flags of {@code scripts/run.sh} (the
     * lines of {@code conf/jvm.options}, no test heap cap) and the default configuration except
     * for loopback listeners on free ports (no {@code rtmp.instances=2}).
     */
    public static EstuaryProcess startAsUsersRunIt(String name, String... extraSets) throws Exception {
        int rest = Ports.free();
        int rtmp = Ports.free();
        List<String> sets = loopbackSets(rest, rtmp);
        sets.remove("rtmp.instances=2");
        sets.addAll(List.of(extraSets));
        return startRaw(name, rest, rtmp, sets, runShJvmOptions(), List.of(), false);
    }

    /** The JVM flags {@code scripts/run.sh} uses when JAVA_OPTS is not set: {@code conf/jvm.options}. */
    public static List<String> runShJvmOptions() throws IOException {
        Path options = jar().getParent().getParent().getParent().resolve("conf").resolve("jvm.options");
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(options)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                flags.add(t);
            }
        }
        return flags;
    }

    /** The {@code --set} values that put every listener on loopback with the given REST/RTMP ports and free others. */
    public static List<String> loopbackSets(int rest, int rtmp) {
        return new ArrayList<>(List.of(
                "node.bindAddress=127.0.0.1", "node.publicHost=127.0.0.1",
                "rest.port=" + rest, "rtmp.port=" + rtmp,
                "websocket.port=" + Ports.free(), "hls.port=" + Ports.free(), "sip.port=" + Ports.free(),
                "webrtc.port=0", // any free UDP port: several nodes may run at once
                "rtmp.instances=2"));
    }

    /** The same as {@code --set} arguments, ready for {@link JarRun}. */
    public static List<String> asSetArgs(List<String> sets) {
        List<String> args = new ArrayList<>();
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    /** As {@link #start}, with extra JVM options for the server (e.g. {@code -Djavax.net.ssl.trustStore=...}). */
    public static EstuaryProcess startWithJvmArgs(String name, List<String> jvmArgs, String... extraSets) throws Exception {
        int rest = Ports.free();
        int rtmp = Ports.free();
        List<String> sets = loopbackSets(rest, rtmp);
        sets.addAll(List.of(extraSets));
        return startRaw(name, rest, rtmp, sets, jvmArgs);
    }

    static EstuaryProcess startRaw(String name, int rest, int rtmp, List<String> sets) throws Exception {
        return startRaw(name, rest, rtmp, sets, List.of());
    }

    /**
     * As {@link #start}, with the server's command line run behind {@code launcher} (e.g.
     * {@code unshare --mount -- sh -c 'mount ... && exec "$@"' ...}); the launcher must exec the JVM
     * so that the process this returns is the server's.
     */
    public static EstuaryProcess startLaunched(String name, List<String> launcher, List<String> jvmArgs,
                                              String... extraSets) throws Exception {
        int rest = Ports.free();
        int rtmp = Ports.free();
        List<String> sets = loopbackSets(rest, rtmp);
        sets.addAll(List.of(extraSets));
        return startRaw(name, rest, rtmp, sets, jvmArgs, launcher);
    }

    static EstuaryProcess startRaw(String name, int rest, int rtmp, List<String> sets, List<String> jvmArgs) throws Exception {
        return startRaw(name, rest, rtmp, sets, jvmArgs, List.of());
    }

    private static EstuaryProcess startRaw(String name, int rest, int rtmp, List<String> sets, List<String> jvmArgs,
                                           List<String> launcher) throws Exception {
        return startRaw(name, rest, rtmp, sets, jvmArgs, launcher, true);
    }

    private static EstuaryProcess startRaw(String name, int rest, int rtmp, List<String> sets, List<String> jvmArgs,
                                           List<String> launcher, boolean testHeap) throws Exception {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(javaBin());
        if (testHeap) {
            cmd.add("-Xmx512m");
        }
        cmd.addAll(jvmArgs);
        // e.g. -Destuary.jvmArgs=-XX:StartFlightRecording=filename=x.jfr to profile a benchmark run
        String extra = System.getProperty("estuary.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar().toString()));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        Path log = logDir().resolve(name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                for (String line; (line = r.readLine()) != null; ) {
                    w.println(line);
                    w.flush();
                    if (line.startsWith("ESTUARY_READY")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "estuary-log-" + name);
        pump.setDaemon(true);
        pump.start();
        // Poll rather than wait the whole time: a server that exits at start-up should fail the test at once.
        // The server's own limit (node.startupTimeoutMs, 180 s by default: a clustered node on the shared, loaded
        // 2-core CI machine was seen to need more than 90 s for JVM start, Hazelcast join and partition migration)
        // plus 20 s, so a slow start ends with the server's own message in the log, not a harness timeout.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startupTimeoutMs(sets) + 20_000);
        while (!ready.await(250, TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                pump.join(2000);
                throw new AssertionError("server did not start (" + (p.isAlive() ? "timeout" : "exit " + p.waitFor())
                        + "); log " + log + ":\n" + tail(log));
            }
        }
        return new EstuaryProcess(p, log, pump, rest, rtmp);
    }

    /** The {@code node.startupTimeoutMs} a server started with {@code sets} runs with (the default unless set). */
    static long startupTimeoutMs(List<String> sets) {
        long ms = org.estuary.core.config.NodeConfig.defaults().startupTimeoutMs();
        for (String s : sets) {
            if (s.startsWith("node.startupTimeoutMs=")) {
                ms = Long.parseLong(s.substring("node.startupTimeoutMs=".length()).trim());
            }
        }
        return ms;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public int restPort() { return restPort; }
    public int rtmpPort() { return rtmpPort; }
    public Path log() { return log; }
    public long pid() { return process.pid(); }
    public boolean isAlive() { return process.isAlive(); }

    public String rtmpUrl(String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream;
    }

    /** POST a raw body to {@code /rest-api<path>}. */
    public Http post(String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/rest-api" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Http(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** GET an absolute path on the REST port (e.g. {@code /metrics}). */
    public Http get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Http(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** POST a JSON object to {@code /rest-api<path>}. */
    public Http post(String path, io.vertx.core.json.JsonObject body) throws IOException, InterruptedException {
        return post(path, body.encode());
    }

    /** The whole server log so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** An HTTP answer. */
    public record Http(int status, String body, String contentType) {
        public io.vertx.core.json.JsonObject json() {
            return new io.vertx.core.json.JsonObject(body);
        }

        public io.vertx.core.json.JsonArray array() {
            return new io.vertx.core.json.JsonArray(body);
        }

        public boolean isJson() {
            return contentType.startsWith("application/json");
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body);
        }
    }

    /** SIGTERM, like Ctrl-C; returns the exit code (or -1 if it had to be killed). */
    public int stop() throws InterruptedException {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        // SIGTERM through the handle: Process.destroy() would also close our end of the server's stdout
        // pipe, and the log would lose the server's last (shutdown) lines.
        process.toHandle().destroy();
        if (process.waitFor(20, TimeUnit.SECONDS)) {
            logPump.join(5000); // so that the log holds the last lines once stop() returns
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return -1;
    }

    /** SIGKILL, a crash: the node gets no chance to tell anyone it leaves. Waits until it is gone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
