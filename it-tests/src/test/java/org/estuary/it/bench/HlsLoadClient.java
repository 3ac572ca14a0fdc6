package org.estuary.it.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N simulated HLS viewers, each a thread: poll the media playlist every target duration, fetch
 * every segment not fetched before (starting with the newest one, like a live player), count the
 * bytes. Runs in the benchmark JVM: the servers' CPU is read per process from /proc, so the
 * client's own CPU is never counted, but it does compete for the same cores (for both servers alike).
 */
final class HlsLoadClient implements AutoCloseable {
    private final URI playlist;
    private final HttpClient http;
    private final List<Thread> viewers = new ArrayList<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong playlists = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean running = true;

    HlsLoadClient(String playlistUrl, int viewers, long targetMs) {
        this.playlist = URI.create(playlistUrl);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < viewers; i++) {
            long offset = targetMs * i / viewers; // spread the polls over one target duration
            Thread t = new Thread(() -> view(offset, targetMs), "hls-viewer-" + i);
            t.setDaemon(true);
            this.viewers.add(t);
        }
        this.viewers.forEach(Thread::start);
    }

    long bytes() { return bytes.get(); }
    long segments() { return segments.get(); }
    long playlists() { return playlists.get(); }
    long errors() { return errors.get(); }

    private void view(long offsetMs, long targetMs) {
        Set<String> fetched = new HashSet<>(); // each viewer fetches each segment once
        boolean first = true;
        try {
            Thread.sleep(offsetMs);
            while (running) {
                long started = System.currentTimeMillis();
                try {
                    List<String> uris = segmentUris(get(playlist, true));
                    playlists.incrementAndGet();
                    if (first && uris.size() > 1) {
                        // a live player starts near the live edge: skip all but the newest segment
                        fetched.addAll(uris.subList(0, uris.size() - 1));
                    }
                    first = uris.isEmpty();
                    for (String u : uris) {
                        if (running && fetched.add(u)) {
                            get(playlist.resolve(u), false);
                            segments.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                long sleep = targetMs - (System.currentTimeMillis() - started);
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** GETs {@code uri}; counts the bytes; returns the body as text for playlists (else null). */
    private String get(URI uri, boolean text) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                in.readAllBytes();
                throw new IOException(uri + " -> " + r.statusCode());
            }
            if (text) {
                byte[] b = in.readAllBytes();
                bytes.addAndGet(b.length);
                return new String(b, java.nio.charset.StandardCharsets.UTF_8);
            }
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                bytes.addAndGet(n);
            }
            return null;
        }
    }

    static List<String> segmentUris(String m3u8) {
        List<String> out = new ArrayList<>();
        for (String line : m3u8.split("\n")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : viewers) {
            t.join(15_000);
        }
    }
}
