package org.estuary.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * s3rver (npm, the it-tests' own copy in it-tests/s3, installed by {@code npm ci} when missing): an
 * S3-compatible server with a filesystem backend on a free loopback port, SigV4 checked against
 * its fixed credentials {@link #ACCESS_KEY}/{@link #SECRET_KEY}. It logs one line per request.
 */
public final class S3rver implements AutoCloseable {
    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";

    private final Process process;
    private final int port;
    private final Path log;

    private S3rver(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** it-tests/s3 with s3rver installed from the committed lockfile if it is not yet. */
    static Path dir() throws Exception {
        return NodePackages.installed("s3", "node_modules/s3rver/bin/s3rver.js", 240);
    }

    /** Starts s3rver with the given buckets created empty. */
    public static S3rver start(String name, String... buckets) throws Exception {
        Path dir = dir();
        String node = Peers.require("node", "nodejs");
        Path data = Files.createTempDirectory("it-s3rver-" + name);
        int port = Ports.free();
        var cmd = new java.util.ArrayList<>(java.util.List.of(node, dir.resolve("node_modules/s3rver/bin/s3rver.js").toString(),
                "-d", data.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port), "--no-vhost-buckets"));
        for (String b : buckets) {
            cmd.add("--configure-bucket");
            cmd.add(b);
        }
        Path log = EstuaryProcess.logDir().resolve("s3rver-" + name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        S3rver s = new S3rver(p, port, log);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!s.listening()) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                s.close();
                throw new AssertionError("s3rver did not listen on " + port + ": " + EstuaryProcess.tail(log));
            }
            Thread.sleep(100);
        }
        return s;
    }

    private boolean listening() {
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** What s3rver logged so far (one line per request). */
    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
