package org.estuary.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * baresip (Debian package baresip), a real softphone, on 127.0.0.1: auto-answers, sends a sine
 * (ausine) and records what it hears to {@code rec/dump-*-dec.wav} (sndfile). With a dial URI it
 * places that call right after start. SIGTERM makes it hang up (BYE) before it exits.
 */
public final class Baresip implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private Baresip(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    public static Baresip dial(String uri) throws IOException, InterruptedException {
        return start(null, uri);
    }

    /**
     * baresip registered as {@code <sip:user@127.0.0.1:registrarPort>} with digest password
     * {@code password} (re-REGISTER every {@code regint} s), auto-answering calls routed to it.
     */
    public static Baresip registered(String user, int registrarPort, String password, int regint)
            throws IOException, InterruptedException {
        return registered(user, registrarPort, password, regint, null);
    }

    /** Like {@link #registered(String, int, String, int)}, dialling {@code uri} (through the registrar) right away. */
    public static Baresip registered(String user, int registrarPort, String password, int regint, String uri)
            throws IOException, InterruptedException {
        return start("<sip:" + user + "@127.0.0.1:" + registrarPort + ">;auth_pass=" + password + ";regint=" + regint
                + ";answermode=auto;audio_codecs=PCMU,PCMA", uri);
    }

    private static Baresip start(String account, String uri) throws IOException, InterruptedException {
        String exe = Peers.require("baresip", "baresip");
        Path dir = Files.createTempDirectory("baresip");
        Files.createDirectories(dir.resolve("rec"));
        int sip = Ports.free();
        int rtp = 20000 + (sip % 2000) * 10;
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll", "sip_listen 127.0.0.1:" + sip, "net_interface 127.0.0.1", "dns_server 127.0.0.1:53",
                "rtp_ports " + rtp + "-" + (rtp + 9), "audio_player aubridge,sink", "audio_source ausine,440",
                "audio_alert aubridge,sink", "ausrc_srate 48000", "auplay_srate 48000", "ausrc_channels 2",
                "module_path /usr/lib/baresip/modules", "module g711.so", "module ausine.so", "module aubridge.so",
                "module sndfile.so", "snd_path " + dir.resolve("rec"), "module_app account.so", "module_app menu.so", ""));
        Files.writeString(dir.resolve("accounts"), (account != null ? account : "<sip:peer@127.0.0.1:" + sip
                + ">;regint=0;answermode=auto;audio_codecs=PCMU,PCMA") + "\n");
        Files.writeString(dir.resolve("contacts"), "");
        List<String> cmd = uri == null ? List.of(exe, "-f", dir.toString()) : List.of(exe, "-f", dir.toString(), "-e", "/dial " + uri);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();
        p.getOutputStream().close();
        return new Baresip(p, dir);
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("baresip.log"));
    }

    /** The recording of what baresip received (decoded), once it exists. */
    public Path received() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("rec"))) {
            return s.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst().orElse(null);
        }
    }

    /** SIGTERM (baresip hangs up first), then waits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
