package org.estuary.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loopback HTTP server (the JDK's) for a test page and its scripts: it answers only the paths
 * of {@code files} (URL path to a file below {@code dir}), everything else is a 404, so a page
 * cannot reach anything else of the machine. The caller stops it ({@code stop(0)}).
 */
public final class PageServer {
    private PageServer() { }

    public static HttpServer start(Path dir, Map<String, String> files) throws IOException {
        HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.free()), 8);
        pages.createContext("/", ex -> serve(ex, dir, files));
        pages.start();
        return pages;
    }

    private static void serve(HttpExchange ex, Path dir, Map<String, String> files) throws IOException {
        try (ex) {
            String file = files.get(ex.getRequestURI().getPath());
            if (file == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(dir.resolve(file));
            ex.getResponseHeaders().add("Content-Type", file.endsWith(".html") ? "text/html" : "text/javascript");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
