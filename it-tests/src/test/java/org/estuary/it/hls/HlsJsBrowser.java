package org.estuary.it.hls;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.NodePackages;
import org.estuary.it.support.PageServer;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;

/**
 * Headless Chromium playing HLS with the it-tests' own copy of hls.js (it-tests/hlsjs, installed
 * with {@code npm ci} when missing). Chromium is driven through chromedriver's W3C WebDriver HTTP
 * API; the page ({@code player.html}) is served from a loopback HTTP server of the JDK and plays
 * Estuary's HLS port cross-origin (the HLS server sends CORS headers). Everything binds 127.0.0.1.
 */
final class HlsJsBrowser implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The only files the page server answers, mapped to their place under it-tests/hlsjs. */
    private static final Map<String, String> FILES = Map.of(
            "/player.html", "player.html",
            "/node_modules/hls.js/dist/hls.min.js", "node_modules/hls.js/dist/hls.min.js");

    private final HttpServer pages;
    private final Process driver;
    private final String webDriver;
    private final String session;

    private HlsJsBrowser(HttpServer pages, Process driver, String webDriver, String session) {
        this.pages = pages;
        this.driver = driver;
        this.webDriver = webDriver;
        this.session = session;
    }

    /** it-tests/hlsjs, with hls.js installed from the committed lockfile if it is not yet. */
    static Path hlsJsDir() throws Exception {
        return NodePackages.installed("hlsjs", "node_modules/hls.js/dist/hls.min.js", 180);
    }

    static HlsJsBrowser start(String logName) throws Exception {
        Path dir = hlsJsDir();
        HttpServer pages = PageServer.start(dir, FILES);
        String chromedriver = Peers.require("chromedriver", "chromium-driver");
        String chromium = Files.isExecutable(Path.of("/usr/lib/chromium/chromium")) ? "/usr/lib/chromium/chromium"
                : Peers.require("chromium", "chromium");
        int wdPort = Ports.free();
        Path log = EstuaryProcess.logDir().resolve(logName + "-chromedriver.log");
        Files.createDirectories(log.getParent());
        Process driver = new ProcessBuilder(chromedriver, "--port=" + wdPort, "--allowed-ips=127.0.0.1",
                "--log-path=" + log).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String wd = "http://127.0.0.1:" + wdPort;
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                if (http("GET", wd + "/status", null).getJsonObject("value").getBoolean("ready", false)) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.currentTimeMillis() > deadline) {
                stopTree(driver);
                pages.stop(0);
                throw new AssertionError("chromedriver did not become ready; see " + log);
            }
            Thread.sleep(100);
        }
        Path profile = Files.createTempDirectory("estuary-hlsjs-profile");
        JsonArray args = new JsonArray(List.of("--headless=new", "--no-sandbox", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-pings",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--proxy-server=127.0.0.1:9",
                "--user-data-dir=" + profile));
        JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch", new JsonObject()
                .put("browserName", "chrome")
                .put("goog:chromeOptions", new JsonObject().put("binary", chromium).put("args", args))));
        JsonObject created;
        try {
            created = http("POST", wd + "/session", caps).getJsonObject("value");
        } catch (IOException | RuntimeException e) {
            stopTree(driver);
            pages.stop(0);
            throw e;
        }
        String sid = created.getString("sessionId");
        if (sid == null) {
            stopTree(driver);
            pages.stop(0);
            throw new AssertionError("no WebDriver session: " + created.encode());
        }
        HlsJsBrowser b = new HlsJsBrowser(pages, driver, wd, sid);
        try {
            b.call("POST", "/url", new JsonObject().put("url",
                    "http://127.0.0.1:" + pages.getAddress().getPort() + "/player.html"));
            long until = System.currentTimeMillis() + 20_000;
            while (!"READY".equals(b.call("GET", "/title", null).getString("value"))) {
                if (System.currentTimeMillis() > until) {
                    throw new AssertionError("player page did not load (hls.js missing?)");
                }
                Thread.sleep(100);
            }
            return b;
        } catch (Exception | AssertionError e) {
            b.close(); // never leave chromedriver and Chromium behind
            throw e;
        }
    }

    /** Adds a muted video element played by hls.js; returns its index. */
    int addPlayer(String url, boolean lowLatency) throws Exception {
        return ((Number) script("return addPlayer(arguments[0], arguments[1]);", url, lowLatency)).intValue();
    }

    /** What the page reports for player {@code i} (see player.html's state()). */
    JsonObject state(int i) throws Exception {
        Object v = script("return state(arguments[0]);", i);
        return v instanceof JsonObject j ? j : new JsonObject((Map<String, Object>) v);
    }

    void setLevel(int i, int level) throws Exception {
        script("setLevel(arguments[0], arguments[1]); return null;", i, level);
    }

    void removePlayer(int i) throws Exception {
        script("removePlayer(arguments[0]); return null;", i);
    }

    Object script(String body, Object... args) throws Exception {
        JsonObject req = new JsonObject().put("script", body).put("args", new JsonArray(List.of(args)));
        return call("POST", "/execute/sync", req).getValue("value");
    }

    private JsonObject call(String method, String path, JsonObject body) throws Exception {
        return http(method, webDriver + "/session/" + session + path, body);
    }

    private static JsonObject http(String method, String url, JsonObject body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode()));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonObject j = new JsonObject(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        return j;
    }

    private static void stopTree(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            call("DELETE", "", null);
        } catch (Exception e) {
            // the browser is going anyway
        }
        stopTree(driver);
        pages.stop(0);
    }
}
