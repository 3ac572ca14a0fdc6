package org.estuary.verticles.hls;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk store as the HLS server uses it, on one event loop behind a real HTTP server: a segment
 * is sent whole from the channel opened when it was written, also when it leaves the window in the
 * middle of a send, and no descriptor of the agent's files outlives removal and close.
 */
class DiskSegmentStoreTest {
    private static final int BIG = 16 * 1024 * 1024; // more than loopback socket buffers hold: the send blocks

    @TempDir
    Path tmp;
    private Vertx vertx;
    private Context context;
    private DiskSegmentStore store;
    private HttpServer server;
    private Path dir;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        dir = tmp.resolve("agent");
        server = on(() -> {
            store = new DiskSegmentStore(vertx, dir);
            return vertx.createHttpServer().requestHandler(req -> {
                String file = req.path().substring(1);
                if (!store.has(file)) {
                    req.response().setStatusCode(404).end();
                    return;
                }
                store.serve(file, req.response());
            });
        });
        CompletableFuture<Void> listening = new CompletableFuture<>();
        context.runOnContext(v -> server.listen(0, "127.0.0.1").onComplete(ar -> listening.complete(null)));
        listening.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private <T> T on(Supplier<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    private static byte[] segment(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void putAndAwaitOpen(String file, byte[] data) throws Exception {
        int before = on(() -> store.openSegments());
        on(() -> {
            store.put(file, data, true);
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (on(() -> store.openSegments()) == before) {
            assertTrue(System.nanoTime() < deadline, file + " written and opened");
            Thread.sleep(10);
        }
    }

    /** GET on a raw socket; the body after the headers. */
    private static Socket request(int port, String file) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setReceiveBufferSize(64 * 1024);
        OutputStream out = s.getOutputStream();
        out.write(("GET /" + file + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private static byte[] body(InputStream in) throws Exception {
        byte[] all = in.readAllBytes();
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                String head = new String(all, 0, i, StandardCharsets.US_ASCII);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                return Arrays.copyOfRange(all, i + 4, all.length);
            }
        }
        throw new AssertionError("no HTTP header end in " + all.length + " bytes");
    }

    private long descriptorsOf(Path under) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(under.toString());
                } catch (Exception e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void segmentsAreSentWholeFromOneOpenChannelPerSegment() throws Exception {
        byte[] a = segment(700_000, 1);
        putAndAwaitOpen("1.ts", a);
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("1.ts")), "the segment is on disk as given");
        for (int i = 0; i < 3; i++) {
            try (Socket s = request(server.actualPort(), "1.ts")) {
                assertArrayEquals(a, body(s.getInputStream()), "request " + i);
            }
        }
        assertEquals(1, descriptorsOf(dir), "one descriptor for the segment, however many requests");
    }

    @Test
    void aSegmentLeavingTheWindowMidSendIsStillSentWholeAndThenClosed() throws Exception {
        byte[] big = segment(BIG, 2);
        putAndAwaitOpen("2.ts", big);
        try (Socket s = request(server.actualPort(), "2.ts")) {
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(1024); // the send has started and is blocked on a full socket
            on(() -> {
                store.remove("2.ts");
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(dir.resolve("2.ts"))) {
                assertTrue(System.nanoTime() < deadline, "deleted at once");
                Thread.sleep(10);
            }
            assertEquals(1, descriptorsOf(dir), "kept open for the send still running");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            got.write(first);
            got.write(in.readAllBytes());
            byte[] response = got.toByteArray();
            int headerEnd = new String(response, 0, 1024, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
            assertArrayEquals(big, Arrays.copyOfRange(response, headerEnd, response.length), "sent whole");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (descriptorsOf(dir) > 0) {
            assertTrue(System.nanoTime() < deadline, "closed after the last send");
            Thread.sleep(10);
        }
        assertEquals(0, on(() -> store.openSegments()));
    }

    @Test
    void closeDropsEveryDescriptorAndTheDirectory() throws Exception {
        putAndAwaitOpen("3.ts", segment(100_000, 3));
        putAndAwaitOpen("4.ts", segment(100_000, 4));
        assertEquals(2, descriptorsOf(dir));
        on(() -> {
            store.close();
            return null;
        });
        assertEquals(0, descriptorsOf(dir));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(dir)) {
            assertTrue(System.nanoTime() < deadline, "directory deleted");
            Thread.sleep(10);
        }
    }
}
