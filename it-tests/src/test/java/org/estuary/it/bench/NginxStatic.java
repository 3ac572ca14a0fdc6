package org.estuary.it.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.estuary.it.support.Ports;
import org.estuary.it.support.Peers;

/**
 * Plain nginx (no modules) serving a directory as static files over HTTP on a free loopback port,
 * configured in a fresh temp dir ({@code daemon off}, one worker, sendfile on, no access log);
 * /etc/nginx is never touched. The HLS peer of Estuary's HTTP server.
 */
final class NginxStatic implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private NginxStatic(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static NginxStatic start(Path root) throws Exception {
        String nginx = Peers.require("nginx", "nginx");
        int port = Ports.free();
        Path dir = Files.createTempDirectory("bench-nginx-static");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;" : "";
        String conf = """
                %s
                daemon off;
                master_process on;
                worker_processes 1;
                worker_rlimit_nofile 16384;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    keepalive_requests 1000000;
                    keepalive_timeout 60s;
                    types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; video/mp4 mp4 m4s; }
                    client_body_temp_path %s/tmp/body;
                    proxy_temp_path %s/tmp/proxy;
                    fastcgi_temp_path %s/tmp/fastcgi;
                    uwsgi_temp_path %s/tmp/uwsgi;
                    scgi_temp_path %s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                        location ~ \\.m3u8$ { add_header Cache-Control no-cache; }
                    }
                }
                """.formatted(user, dir, dir, dir, dir, dir, dir, dir, port, root.toAbsolutePath());
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Path log = EstuaryProcess.logDir().resolve("nginx-static-" + port + ".log");
        Process p = Ffmpeg.start(List.of(nginx, "-p", dir.toString(), "-c", confFile.toString(),
                "-e", dir.resolve("logs/error.log").toString()), log);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited: " + EstuaryProcess.tail(log) + "\n"
                        + EstuaryProcess.tail(dir.resolve("logs/error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new NginxStatic(p, dir, port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("nginx did not listen on " + port + ": " + EstuaryProcess.tail(log));
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Master first, then the worker. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.toHandle().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    String version() {
        return BenchSupport.firstLine(Peers.require("nginx", "nginx"), "-v");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        NginxRtmp.deleteTree(dir);
    }
}
