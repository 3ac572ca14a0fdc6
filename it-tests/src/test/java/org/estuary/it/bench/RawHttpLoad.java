package org.estuary.it.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A closed-loop HTTP/1.1 load client on one thread: {@code connections} keep-alive sockets under one
 * NIO selector, each sending the same request again when the previous answer was read whole. Reads
 * the status line and the headers it needs (Content-Length, Content-Encoding) and skips the body
 * without keeping it.
 *
 * <p>Why: the Vert.x HTTP client in the benchmark's JVM cost more CPU per request than the server
 * (RestFindBenchmark, rest14: 29 µs client against 23 µs server per gzip find_all; 4.7 s against
 * 3.7 s in a 10 s window), and it runs on the same 2 cores, so it capped the figure it measured.
 * One thread also bounds the client to one core. Answers must carry Content-Length (the REST API's do).
 */
final class RawHttpLoad {
    /** Requests/s, latencies, bytes and errors of one window. */
    record Window(long count, long errors, long bytes, long[] latenciesNanos) { }

    private final InetSocketAddress server;
    private final byte[] request;
    private final boolean gzip;
    private final int connections;

    RawHttpLoad(InetSocketAddress server, String path, String body, boolean gzip, int connections) {
        this.server = server;
        this.gzip = gzip;
        this.connections = connections;
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\nContent-Type: application/json\r\n" + (gzip ? "Accept-Encoding: gzip\r\n" : "")
                + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        request = Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, request, h.length, b.length);
    }

    /** Runs for {@code millis} (plus the answers in flight at the end). */
    Window run(long millis) throws IOException {
        long[] lat = new long[1 << 16];
        int n = 0;
        long errors = 0;
        long bytes = 0;
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 18);
        byte[] scratch = new byte[1 << 18];
        try (Selector selector = Selector.open()) {
            Conn[] conns = new Conn[connections];
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                conns[i] = new Conn(ch);
                ch.register(selector, SelectionKey.OP_READ, conns[i]);
                conns[i].send();
            }
            long end = System.nanoTime() + millis * 1_000_000L;
            int open = connections;
            while (open > 0) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    in.clear();
                    int r = c.ch.read(in);
                    if (r < 0) {
                        errors++;
                        key.cancel();
                        c.ch.close();
                        open--;
                        continue;
                    }
                    in.flip();
                    int len = in.remaining();
                    int done;
                    if (c.bodyLeft >= 0) {
                        done = c.consume(null, len); // body bytes are only counted, never copied
                    } else {
                        in.get(scratch, 0, len);
                        done = c.consume(scratch, len);
                    }
                    if (done != 0) { // one answer complete (no pipelining: at most one per read)
                        if (done < 0) {
                            errors++;
                        }
                        bytes += c.bodyLength;
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - c.sentAt;
                        if (System.nanoTime() < end) {
                            c.send();
                        } else {
                            key.cancel();
                            c.ch.close();
                            open--;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        long[] sorted = Arrays.copyOf(lat, n);
        Arrays.sort(sorted);
        return new Window(n, errors, bytes, sorted);
    }

    /** One connection's parse state. */
    private final class Conn {
        final SocketChannel ch;
        long sentAt;
        final byte[] head = new byte[8192];
        int headLen;
        long bodyLeft = -1; // -1: still in the headers
        long bodyLength;
        boolean ok;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void send() throws IOException {
            headLen = 0;
            bodyLeft = -1;
            sentAt = System.nanoTime();
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                ch.write(out); // a few hundred bytes into an empty socket buffer
            }
        }

        /**
         * Takes {@code len} bytes read ({@code b} may be null in the body). 0: answer not complete;
         * 1: complete and as expected; -1: complete, but not a 200 of the expected encoding.
         */
        int consume(byte[] b, int len) {
            int i = 0;
            if (bodyLeft < 0) {
                for (; i < len; i++) {
                    if (headLen == head.length) {
                        throw new IllegalStateException("response headers over " + head.length + " bytes");
                    }
                    head[headLen++] = b[i];
                    if (headLen >= 4 && head[headLen - 1] == '\n' && head[headLen - 2] == '\r'
                            && head[headLen - 3] == '\n' && head[headLen - 4] == '\r') {
                        i++;
                        parseHead();
                        break;
                    }
                }
                if (bodyLeft < 0) {
                    return 0;
                }
            }
            bodyLeft -= len - i;
            if (bodyLeft > 0) {
                return 0;
            }
            if (bodyLeft < 0) {
                throw new IllegalStateException("more bytes than Content-Length (pipelining is not used)");
            }
            return ok ? 1 : -1;
        }

        private void parseHead() {
            String h = new String(head, 0, headLen, StandardCharsets.ISO_8859_1);
            String[] lines = h.split("\r\n");
            ok = lines[0].startsWith("HTTP/1.1 200 ");
            boolean gzipped = false;
            long length = -1;
            for (int k = 1; k < lines.length; k++) {
                String line = lines[k].toLowerCase(Locale.ROOT);
                if (line.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                } else if (line.startsWith("content-encoding:")) {
                    gzipped = line.substring(17).trim().equals("gzip");
                }
            }
            if (length < 0) {
                throw new IllegalStateException("no Content-Length: " + lines[0]);
            }
            ok &= gzipped == gzip;
            bodyLength = length;
            bodyLeft = length;
        }
    }
}
