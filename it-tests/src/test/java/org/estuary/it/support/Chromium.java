package org.estuary.it.support;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium with a fake camera and microphone, opening one of the plain standards pages
 * in {@code src/test/resources/webrtc/} (no SDK) from a loopback page server. The page reports
 * progress in {@code document.title} ("STATE {json}"), read from the DevTools endpoint
 * {@code /json/list}. Outbound traffic is switched off by flags; the process tree is ended by PID.
 */
public final class Chromium implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final Process process;
    private final HttpServer pages;
    private final int cdpPort;
    private final Path profile;

    private Chromium(Process process, HttpServer pages, int cdpPort, Path profile) {
        this.process = process;
        this.pages = pages;
        this.cdpPort = cdpPort;
        this.profile = profile;
    }

    public static String binary() {
        Path lib = Path.of("/usr/lib/chromium/chromium");
        return Files.isExecutable(lib) ? lib.toString() : Peers.require("chromium", "chromium");
    }

    /** Opens {@code page?query} (a file in resources/webrtc). */
    public static Chromium open(String page, String query, Path log) throws IOException {
        HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().replaceAll("[^A-Za-z0-9._-]", "");
            try (InputStream in = Chromium.class.getResourceAsStream("/webrtc/" + name)) {
                if (in == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    byte[] b = in.readAllBytes();
                    ex.getResponseHeaders().add("Content-Type", name.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                }
            }
            ex.close();
        });
        pages.start();
        int cdp = Ports.free();
        Path profile = Files.createTempDirectory("estuary-chromium");
        String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/" + page + (query == null ? "" : "?" + query);
        List<String> cmd = new ArrayList<>(List.of(binary(),
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns,OptimizationHints,Translate,MediaRouter,DialMediaRouteProvider",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--disable-breakpad", "--no-pings",
                "--no-first-run", "--no-default-browser-check", "--password-store=basic", "--use-mock-keychain",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + cdp, url));
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        return new Chromium(p, pages, cdp, profile);
    }

    /** The page's current title, or "" while DevTools does not answer yet. */
    public String title() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cdpPort + "/json/list"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            for (Object o : new JsonArray(r.body())) {
                JsonObject t = (JsonObject) o;
                if ("page".equals(t.getString("type"))) {
                    // DevTools HTML-escapes titles
                    return t.getString("title", "").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                            .replace("&gt;", ">").replace("&amp;", "&");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /**
     * Waits for a title "STATE {json}" with one of {@code states} (or "ERROR ..."), returning the JSON.
     */
    public JsonObject await(long timeoutMs, String... states) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        String t = "";
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("chromium exited (" + process.exitValue() + "); last title: " + t);
            }
            t = title();
            if (t.startsWith("ERROR")) {
                throw new AssertionError("page failed: " + t);
            }
            for (String s : states) {
                if (t.startsWith(s + " ")) {
                    return new JsonObject(t.substring(s.length() + 1));
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("page did not reach " + String.join("/", states) + " within " + timeoutMs + " ms; title: " + t);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the browser at once (a browser that vanishes without closing anything). */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            List<ProcessHandle> kids = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            kids.forEach(ProcessHandle::destroyForcibly);
        }
        pages.stop(0);
        try (var s = Files.walk(profile)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
