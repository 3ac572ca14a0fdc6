package org.estuary.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kamailio (Debian package kamailio) as a SIP registrar + proxy on 127.0.0.1 and a free UDP port,
 * run in the foreground with {@code src/test/resources/kamailio/kamailio.cfg}: digest auth for
 * REGISTER and INVITE with one password, in-memory registrations granted at most
 * {@code maxExpires} s; calls to unregistered {@code live-*} users forwarded to Estuary.
 * SIGTERM stops it and its children.
 */
public final class Kamailio implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private Kamailio(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public int port() { return port; }

    /** {@code estuaryPort}: where calls to unregistered {@code live-*} users are forwarded (0 = nowhere). */
    public static Kamailio start(String password, int maxExpires, int estuaryPort) throws IOException, InterruptedException {
        return start(password, maxExpires, estuaryPort, "", 0);
    }

    /**
     * As {@link #start(String, int, int)}, granting user {@code shortUser} at most {@code shortExpires} s
     * (its refresh is what a test watches) and everyone else up to {@code maxExpires}.
     */
    public static Kamailio start(String password, int maxExpires, int estuaryPort, String shortUser, int shortExpires)
            throws IOException, InterruptedException {
        String exe = Peers.require("kamailio", "kamailio");
        Path dir = Files.createTempDirectory("kamailio");
        String cfg;
        try (InputStream in = Kamailio.class.getResourceAsStream("/kamailio/kamailio.cfg")) {
            cfg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int port = Ports.free();
        cfg = cfg.replace("@PORT@", String.valueOf(port)).replace("@PASSWORD@", password)
                .replace("@MAX_EXPIRES@", String.valueOf(maxExpires)).replace("@ESTUARY_PORT@", String.valueOf(estuaryPort))
                .replace("@SHORT_USER@", shortUser.isEmpty() ? "-" : shortUser).replace("@SHORT_EXPIRES@", String.valueOf(shortExpires));
        Path file = dir.resolve("kamailio.cfg");
        Files.writeString(file, cfg);
        Process p = new ProcessBuilder(List.of(exe, "-f", file.toString(), "-DD", "-E", "-Y", dir.toString(),
                "-w", dir.toString(), "-m", "32", "-M", "4"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile())
                .start();
        p.getOutputStream().close();
        Kamailio k = new Kamailio(p, dir, port);
        Await.until(Duration.ofSeconds(15), "kamailio listening on " + port, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("kamailio exited: " + k.log());
            }
            return Peers.run(5, "ss", "-lunH", "src 127.0.0.1:" + port).output().contains(":" + port);
        });
        return k;
    }

    /** kamailio's log (one line per request it routed, see the cfg). */
    public String log() throws IOException {
        return Files.readString(dir.resolve("kamailio.log"), StandardCharsets.ISO_8859_1);
    }

    /** Stops kamailio and removes its temporary directory (config, log, control files). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        NginxRtmp.deleteTree(dir);
    }
}
