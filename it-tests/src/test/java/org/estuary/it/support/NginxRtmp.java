package org.estuary.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * nginx with the RTMP module (Debian nginx + libnginx-mod-rtmp) on loopback ports, configured in
 * a fresh temp dir ({@code daemon off}, own pid/log/temp paths; /etc/nginx is never touched).
 * Application {@code live} accepts publish and play; {@code denied} refuses publishing (for
 * refusal tests), {@code noplay} refuses playing. {@code /stat} on the HTTP port shows the rtmp_stat XML.
 */
public final class NginxRtmp implements AutoCloseable {
    static final String MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    private final Process process;
    private final Path dir;
    private final int rtmpPort;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private NginxRtmp(Process process, Path dir, int rtmpPort, int httpPort) {
        this.process = process;
        this.dir = dir;
        this.rtmpPort = rtmpPort;
        this.httpPort = httpPort;
    }

    /** One worker (see docs/benchmarks.md for why), chunk size 4096. */
    public static NginxRtmp start() throws Exception {
        return start(1, 4096);
    }

    /**
     * Starts nginx-rtmp with {@code workers} worker processes. Applications: {@code live},
     * {@code denied} (publishing refused), {@code noplay} (playing refused); stats on HTTP /stat.
     */
    public static NginxRtmp start(int workers, int chunkSize) throws Exception {
        return start(workers, chunkSize, null);
    }

    /**
     * As {@link #start(int, int)}, plus (when {@code onPublishUrl} is given) an application
     * {@code secured} whose publishers nginx admits only when that HTTP callback answers 2xx.
     */
    public static NginxRtmp start(int workers, int chunkSize, String onPublishUrl) throws Exception {
        String nginx = Peers.require("nginx", "nginx libnginx-mod-rtmp");
        if (!Files.isRegularFile(Path.of(MODULE))) {
            throw new AssertionError(MODULE + " missing (apt-get install libnginx-mod-rtmp)");
        }
        int rtmp = Ports.free();
        int httpPort = Ports.free();
        Path dir = Files.createTempDirectory("it-nginx-rtmp");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;" : "";
        String conf = """
                load_module %s;
                %s
                daemon off;
                master_process on;
                worker_processes %d;
                worker_rlimit_nofile 16384;
                pid %s/nginx.pid;
                error_log %s/logs/error.log info;
                rtmp_auto_push %s;
                rtmp_socket_dir %s;
                events { worker_connections 4096; }
                rtmp {
                    server {
                        listen 127.0.0.1:%d;
                        chunk_size %d;
                        application live { live on; record off; }
                        application denied { live on; deny publish all; }
                        application noplay { live on; deny play all; }
                        %s
                    }
                }
                http {
                    access_log %s/logs/access.log;
                    client_body_temp_path %s/tmp/body;
                    proxy_temp_path %s/tmp/proxy;
                    fastcgi_temp_path %s/tmp/fastcgi;
                    uwsgi_temp_path %s/tmp/uwsgi;
                    scgi_temp_path %s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%d;
                        location /stat { rtmp_stat all; }
                    }
                }
                """.formatted(MODULE, user, workers, dir, dir, workers > 1 ? "on" : "off", dir, rtmp, chunkSize,
                        onPublishUrl == null ? "" : "application secured { live on; on_publish " + onPublishUrl + "; }",
                        dir, dir, dir, dir, dir, dir, httpPort);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Path log = EstuaryProcess.logDir().resolve("nginx-rtmp-" + rtmp + ".log");
        Process p = Ffmpeg.start(java.util.List.of(nginx, "-p", dir.toString(), "-c", confFile.toString(),
                "-e", dir.resolve("logs/error.log").toString()), log);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited: " + EstuaryProcess.tail(log) + "\n"
                        + EstuaryProcess.tail(dir.resolve("logs/error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", rtmp), 200);
                return new NginxRtmp(p, dir, rtmp, httpPort);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("nginx did not listen on " + rtmp + ": " + EstuaryProcess.tail(log));
    }

    public String url(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + (stream == null ? "" : "/" + stream);
    }

    public int rtmpPort() { return rtmpPort; }

    public String rtmpUrl(String stream) {
        return url("live", stream);
    }

    /** Master first, then the workers (for CPU and memory sampling). */
    public java.util.List<Long> pids() {
        java.util.List<Long> pids = new java.util.ArrayList<>();
        pids.add(process.pid());
        process.toHandle().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    public Path dir() {
        return dir;
    }

    /** The rtmp_stat XML (streams with their publishers and players). */
    public String stat() throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/stat"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Whether {@code /stat} lists a publishing client for {@code stream}. */
    public boolean isPublishing(String stream) throws IOException, InterruptedException {
        String xml = stat();
        int at = xml.indexOf("<name>" + stream + "</name>");
        if (at < 0) {
            return false;
        }
        int end = xml.indexOf("</stream>", at);
        String block = xml.substring(at, end < 0 ? xml.length() : end);
        return block.contains("<publishing/>");
    }

    /** {@code nclients} of {@code stream} in {@code /stat} (publisher + players), 0 when not listed. */
    public int clients(String stream) throws IOException, InterruptedException {
        String xml = stat();
        int at = xml.indexOf("<name>" + stream + "</name>");
        if (at < 0) {
            return 0;
        }
        int open = xml.indexOf("<nclients>", at);
        int close = xml.indexOf("</nclients>", open);
        return open < 0 || close < 0 ? 0 : Integer.parseInt(xml.substring(open + 10, close).trim());
    }

    public Path errorLog() {
        return dir.resolve("logs/error.log");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx master stops its worker and exits
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        deleteTree(dir);
    }

    /** Removes a test's temp directory (logs worth keeping are copied to it-logs by the caller). */
    public static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp dir is harmless
        }
    }
}
