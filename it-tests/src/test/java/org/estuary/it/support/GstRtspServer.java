package org.estuary.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A GStreamer RTSP server (our {@code rtsp-server.py}, GstRtspServer via python3-gi) on a free
 * loopback port with its own RTP/RTCP UDP port range: H.264 640x360 test pattern plus AAC, PCMA
 * or no audio, optionally behind Digest authentication. {@link #restart()} brings it back on the
 * same port (for reconnect tests).
 */
public final class GstRtspServer implements AutoCloseable {
    public static final String PYTHON = "/usr/bin/python3";
    static final String PACKAGES = "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
            + "gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gir1.2-gst-rtsp-server-1.0 python3-gi";

    private final List<String> command;
    private final int port;
    private final String path;
    private final Path log;
    private Process process;

    private GstRtspServer(List<String> command, int port, String path, Path log) {
        this.command = command;
        this.port = port;
        this.path = path;
        this.log = log;
    }

    /**
     * @param audio "aac", "pcma", "pcmu" or "none"
     * @param auth  "none", "digest" or "basic" (user {@code user}, password {@code secret})
     */
    public static GstRtspServer start(String name, String path, String audio, String auth) throws Exception {
        return start(name, path, audio, auth, 0);
    }

    /** @param sessionTimeoutSeconds the server's RTSP session timeout, 0 for GStreamer's default (60 s) */
    public static GstRtspServer start(String name, String path, String audio, String auth, int sessionTimeoutSeconds)
            throws Exception {
        return start(name, path, "h264", audio, auth, sessionTimeoutSeconds);
    }

    /** @param video "h264" or "h265" (x265enc); "h264b" / "h265b": High / Main profile with two B-frames */
    public static GstRtspServer start(String name, String path, String video, String audio, String auth,
                                      int sessionTimeoutSeconds) throws Exception {
        return start(name, path, video, audio, 440, auth, sessionTimeoutSeconds);
    }

    /** @param audio "aac", "pcma", "pcmu", "g722", "opus" or "none", a sine tone of {@code toneHz} */
    public static GstRtspServer start(String name, String path, String video, String audio, int toneHz, String auth,
                                      int sessionTimeoutSeconds) throws Exception {
        requirePeers();
        Path script = Files.createTempFile("it-rtsp-server", ".py");
        try (InputStream in = GstRtspServer.class.getResourceAsStream("/rtsp-server.py")) {
            if (in == null) {
                throw new AssertionError("rtsp-server.py missing from the test resources");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        script.toFile().deleteOnExit();
        int port = Ports.free();
        int rtpBase = 42_000 + 200 * ThreadLocalRandom.current().nextInt(0, 35);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "--port", String.valueOf(port),
                "--path", path, "--video", video, "--audio", audio, "--freq", String.valueOf(toneHz), "--auth", auth, "--user", "user", "--password", "secret",
                "--rtp-ports", rtpBase + "-" + (rtpBase + 199), "--session-timeout", String.valueOf(sessionTimeoutSeconds)));
        GstRtspServer s = new GstRtspServer(cmd, port, path, EstuaryProcess.logDir().resolve("rtsp-server-" + name + ".log"));
        s.launch();
        return s;
    }

    /** Fails (never skips) when python3-gi or GstRtspServer are missing. */
    static void requirePeers() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new AssertionError(PYTHON + " missing (apt-get install python3 " + PACKAGES + ")");
        }
        Peers.Result r = Peers.run(30, PYTHON, "-c",
                "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstRtspServer','1.0');"
                        + " from gi.repository import Gst; Gst.init(None);"
                        + " import sys; sys.exit(0 if Gst.ElementFactory.find('x264enc') or Gst.ElementFactory.find('openh264enc') else 3)");
        if (r.exitCode() != 0) {
            throw new AssertionError("GStreamer RTSP server peer unusable (apt-get install " + PACKAGES + "): " + r.output());
        }
    }

    private void launch() throws Exception {
        Files.createDirectories(log.getParent());
        int before = Files.exists(log) ? Files.readString(log).length() : 0;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("rtsp-server.py exited with " + process.exitValue() + ": " + EstuaryProcess.tail(log));
            }
            if (Files.readString(log).indexOf("READY", before) >= 0 && portOpen()) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new AssertionError("rtsp-server.py did not listen on " + port + " within 20 s: " + EstuaryProcess.tail(log));
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + path;
    }

    public String url(String user, String password) {
        return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    /** What the server printed so far (it prints OPTIONS / GET_PARAMETER per such request). */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The server process id (for CPU measurements). */
    public long pid() {
        return process.pid();
    }

    /** Stops the server process (connections drop) without forgetting its port. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts it again on the same port. */
    public void restart() throws Exception {
        kill();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
