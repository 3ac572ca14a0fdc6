package org.estuary.media.srt;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The receiver against the system ffmpeg as an SRT caller (Debian's ffmpeg is built with libsrt). */
class SrtTsReceiverTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong badSync = new AtomicLong();

    private final SrtTsListener recorder = new SrtTsListener() {
        @Override
        public void connected(int connection) {
            events.add("connected " + connection);
        }

        @Override
        public void data(byte[] data) {
            bytes.addAndGet(data.length);
            if (data.length % 188 != 0 || data[0] != 0x47) {
                badSync.incrementAndGet();
            }
        }

        @Override
        public void disconnected(int connection, String reason) {
            events.add("disconnected " + connection);
        }
    };

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void send(int port, int seconds) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", String.valueOf(seconds),
                "-c:v", "mpeg2video", "-f", "mpegts", "srt://127.0.0.1:" + port + "?mode=caller&transtype=live")
                .redirectErrorStream(true).redirectOutput(new File("target/srt-caller.log")).start();
        assertTrue(p.waitFor(seconds + 20L, TimeUnit.SECONDS), "ffmpeg caller finished");
        assertEquals(0, p.exitValue(), "ffmpeg caller exit code (see media/target/srt-caller.log)");
    }

    private static boolean bindable(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void receivesTsFromACallerAcceptsAReconnectAndClosesPromptly() throws Exception {
        int port = freeUdpPort();
        SrtTsReceiver r = SrtTsReceiver.start("127.0.0.1", port, 120, recorder);
        try {
            send(port, 2);
            long first = bytes.get();
            assertTrue(first > 20_000, "TS bytes from the first caller: " + first);
            send(port, 2);
            assertTrue(bytes.get() > first + 20_000, "TS bytes from the second caller");
            assertEquals(0, badSync.get(), "every block is whole TS packets");
            long deadline = System.currentTimeMillis() + 5000;
            while (events.size() < 4 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of("connected 1", "disconnected 1", "connected 2", "disconnected 2"), events);
        } finally {
            long t0 = System.nanoTime();
            r.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "close while waiting for a caller took " + ms + " ms");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (!bindable(port) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(bindable(port), "the UDP port is free after close");
    }
}
