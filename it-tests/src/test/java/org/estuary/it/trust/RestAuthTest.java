package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.estuary.it.support.EstuaryProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * REST and ops authentication (rest.auth=basic) and cross-site protection, seen by the JDK HTTP
 * client the way a script and a browser would call: credentials, JSON content type on POSTs,
 * a CORS preflight from the allowed console origin and from a foreign page.
 */
class RestAuthTest {
    private static final String CONSOLE = "https://console.example.com";
    private static final String EVIL = "https://evil.example.net";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("rest-auth", "rest.auth=basic", "rest.users=admin:s3cret,viewer:other",
                "rest.corsAllowOrigin=" + CONSOLE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.restPort() + path))
                .timeout(Duration.ofSeconds(20));
    }

    private static HttpResponse<String> send(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest jsonPost(String path, String auth, String body) {
        HttpRequest.Builder b = req(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return b.build();
    }

    @Test
    void apiNeedsCredentialsAnd401IsJsonWithAChallenge() throws Exception {
        HttpResponse<String> none = send(jsonPost("/rest-api/stream/find_all", null, "{}"));
        assertEquals(401, none.statusCode(), none.body());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), none.headers().toString());
        assertTrue(new JsonObject(none.body()).getString("message").contains("Authentication"), none.body());

        assertEquals(401, send(jsonPost("/rest-api/stream/find_all", basic("admin", "wrong"), "{}")).statusCode());
        assertEquals(401, send(jsonPost("/rest-api/stream/find_all", basic("nobody", "s3cret"), "{}")).statusCode());
        assertEquals(401, send(jsonPost("/rest-api/stream/find_all", "Bearer s3cret", "{}")).statusCode());

        // right credentials: the method runs (no stream yet: find_all's empty answer is 404 by the API contract)
        HttpResponse<String> ok = send(jsonPost("/rest-api/stream/find_all", basic("admin", "s3cret"), "{}"));
        assertEquals(404, ok.statusCode(), ok.body());
        HttpResponse<String> viewer = send(jsonPost("/rest-api/connection/find_all", basic("viewer", "other"), "{}"));
        assertNotEquals(401, viewer.statusCode(), viewer.body());
    }

    @Test
    void opsEndpointsRecordingsAndTheOpenApiDocumentAreGuardedButHealthIsNot() throws Exception {
        for (String path : new String[] {"/metrics", "/records/", "/records/x.mp4", "/rest-api/openapi.yaml"}) {
            HttpResponse<String> r = send(req(path).GET().build());
            assertEquals(401, r.statusCode(), path + " " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
        }
        HttpResponse<String> metrics = send(req("/metrics").header("Authorization", basic("admin", "s3cret")).GET().build());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("estuary_streams"), metrics.body());
        assertEquals(200, send(req("/records/").header("Authorization", basic("admin", "s3cret")).GET().build()).statusCode());
        assertEquals(200, send(req("/health").GET().build()).statusCode());
    }

    @Test
    void postsMustBeJsonSoBrowsersAlwaysPreflight() throws Exception {
        // what a foreign web page can send without a preflight: a form-encoded or text/plain POST
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
            HttpResponse<String> r = send(req("/rest-api/stream/terminate").header("Content-Type", type)
                    .header("Authorization", basic("admin", "s3cret"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"cam1\"}")).build());
            assertEquals(415, r.statusCode(), type + " " + r.body());
            assertTrue(new JsonObject(r.body()).getString("message").contains("application/json"), r.body());
        }
        HttpResponse<String> charset = send(req("/rest-api/stream/find_all").header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", basic("admin", "s3cret")).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(404, charset.statusCode(), "a charset parameter is fine: " + charset.body());
    }

    @Test
    void browserPreflightSucceedsOnlyForTheConfiguredOrigin() throws Exception {
        HttpResponse<String> console = send(req("/rest-api/stream/terminate").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", CONSOLE).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build());
        assertEquals(204, console.statusCode());
        assertEquals(CONSOLE, console.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(console.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase().contains("authorization"));
        assertTrue(console.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));

        HttpResponse<String> evil = send(req("/rest-api/stream/terminate").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", EVIL).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
        assertNotEquals(EVIL, evil.headers().firstValue("Access-Control-Allow-Origin").orElse(""),
                "no CORS grant for a foreign page, so the browser never sends the POST: " + evil.headers());
        assertNotEquals("*", evil.headers().firstValue("Access-Control-Allow-Origin").orElse(""));

        // a non-browser replaying a foreign Origin with good credentials is refused too
        HttpResponse<String> forged = send(req("/rest-api/stream/find_all").header("Origin", EVIL)
                .header("Authorization", basic("admin", "s3cret")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(403, forged.statusCode(), forged.body());
        HttpResponse<String> fromConsole = send(req("/rest-api/stream/find_all").header("Origin", CONSOLE)
                .header("Authorization", basic("admin", "s3cret")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(404, fromConsole.statusCode(), fromConsole.body());
        assertEquals(CONSOLE, fromConsole.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }
}
