package org.estuary.it.websocket;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.estuary.it.support.Ports;

/**
 * Headless Chromium driven by chromedriver over the W3C WebDriver HTTP protocol (plain JDK HTTP, no
 * Selenium), with fake camera/microphone and loopback WebRTC allowed. One browser session.
 */
final class WebDriver implements AutoCloseable {
    private final Process driver;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String session;
    private Path profile;

    private WebDriver(Process driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    static WebDriver start(Path logDir, String name) throws Exception {
        return start(logDir, name, List.of());
    }

    /** @param extraArgs more Chromium switches (e.g. a field trial a test needs) */
    static WebDriver start(Path logDir, String name, List<String> extraArgs) throws Exception {
        int port = Ports.free();
        Files.createDirectories(logDir);
        Process p = new ProcessBuilder("chromedriver", "--port=" + port, "--allowed-ips=127.0.0.1",
                "--log-path=" + logDir.resolve(name + "-chromedriver.log"))
                .redirectErrorStream(true).redirectOutput(logDir.resolve(name + "-chromedriver.out").toFile()).start();
        WebDriver d = new WebDriver(p, "http://127.0.0.1:" + port);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (d.call("GET", "/status", null).getJsonObject("value").getBoolean("ready", false)) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                // chromedriver is still starting
            }
            if (System.nanoTime() > end || !p.isAlive()) {
                d.close();
                throw new AssertionError("chromedriver did not start");
            }
            Thread.sleep(100);
        }
        Path profile = Files.createTempDirectory("estuary-chromium");
        d.profile = profile;
        List<String> args = new java.util.ArrayList<>(extraArgs);
        args.addAll(List.of("--headless=new", "--no-sandbox", "--disable-gpu",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns,OptimizationHints,Translate,MediaRouter",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions",
                // nothing leaves the machine: every name but loopback is unresolvable, any proxy use fails
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=" + profile));
        JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch", new JsonObject()
                .put("browserName", "chrome")
                .put("goog:chromeOptions", new JsonObject().put("binary", chromium()).put("args", new JsonArray(args)))));
        d.session = d.call("POST", "/session", caps).getJsonObject("value").getString("sessionId");
        return d;
    }

    private static String chromium() {
        for (String p : List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new AssertionError("chromium is not installed (apt-get install chromium chromium-driver)");
    }

    void open(String url) throws Exception {
        call("POST", "/session/" + session + "/url", new JsonObject().put("url", url));
    }

    /** Runs {@code script} (a function body; use {@code return}) in the page and returns its value. */
    Object js(String script) throws Exception {
        return call("POST", "/session/" + session + "/execute/sync",
                new JsonObject().put("script", script).put("args", new JsonArray())).getValue("value");
    }

    /** Polls {@code script} until it returns true. */
    void until(Duration timeout, String what, String script) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < end) {
            last = js(script);
            if (Boolean.TRUE.equals(last)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("page: " + what + " not within " + timeout + " (last " + last + ")");
    }

    private JsonObject call(String method, String path, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonObject o = new JsonObject(r.body());
        if (r.statusCode() != 200) {
            throw new AssertionError("WebDriver " + method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return o;
    }

    @Override
    public void close() throws Exception {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (Exception | AssertionError ignored) {
            // the browser is going away anyway
        } finally {
            driver.destroy();
            if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
            if (profile != null) {
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
