package org.estuary.it.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx with the RTMP module (Debian: nginx + libnginx-mod-rtmp) as a child process on loopback,
 * configured in a fresh temp dir (never /etc/nginx). Used as the reference server of benchmarks.
 *
 * <p>With more than one worker, nginx-rtmp keeps a live stream inside the worker that accepted
 * its publisher; {@code rtmp_auto_push} relays it to the other workers over unix sockets so a
 * player accepted by any worker gets the stream (that is how nginx-rtmp uses several cores).
 */
public final class NginxRtmp implements AutoCloseable {
    private static final String MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    private final Process process;
    private final Path dir;
    private final int port;

    private NginxRtmp(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts nginx-rtmp with {@code workers} worker processes, an RTMP application {@code live}. */
    public static NginxRtmp start(int workers, int chunkSize) throws Exception {
        String nginx = Peers.require("nginx", "nginx libnginx-mod-rtmp");
        if (!Files.isRegularFile(Path.of(MODULE))) {
            throw new AssertionError(MODULE + " missing (apt-get install libnginx-mod-rtmp)");
        }
        int port = Ports.free();
        Path dir = Files.createTempDirectory("nginx-rtmp-bench");
        Files.createDirectories(dir.resolve("logs"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = String.join("\n",
                "load_module " + MODULE + ";",
                root ? "user root root;" : "",
                "daemon off;",
                "master_process on;",
                "worker_processes " + workers + ";",
                "worker_rlimit_nofile 16384;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("logs/error.log") + " warn;",
                "rtmp_auto_push " + (workers > 1 ? "on" : "off") + ";",
                "rtmp_socket_dir " + dir + ";",
                "events { worker_connections 4096; }",
                "rtmp {",
                "    server {",
                "        listen 127.0.0.1:" + port + ";",
                "        chunk_size " + chunkSize + ";",
                "        application live { live on; }",
                "    }",
                "}", "");
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        List<String> cmd = new ArrayList<>(List.of(nginx, "-p", dir.toString(), "-c", confFile.toString(),
                "-e", dir.resolve("logs/error.log").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited " + p.exitValue() + ": " + Files.readString(dir.resolve("logs/error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new NginxRtmp(p, dir, port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("nginx-rtmp did not listen on " + port);
    }

    public String rtmpUrl(String stream) {
        return "rtmp://127.0.0.1:" + port + "/live/" + stream;
    }

    /** Master first, then the workers. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.toHandle().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    public Path dir() {
        return dir;
    }

    /** SIGTERM (fast shutdown), then SIGKILL if needed; removes nothing but the process. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
