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
 * places that call right after start. SIGTERM makes it hang up (BYE) before it exits. Its temp
 * directory is deleted by {@link #close()} (the log is copied to the it-logs directory first; the
 * log and the recording stay readable from memory).
 */
public final class Baresip implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
    private final Process process;
    private final Path dir;
    private String closedLog;
    private byte[] closedRecording;

    private Baresip(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    public static Baresip dial(String uri) throws IOException, InterruptedException {
        return dial(uri, "PCMU,PCMA");
    }

    /** Dials {@code uri} offering only {@code codecs} (baresip names with their rate unless 8 kHz mono: PCMU, PCMA, G722/16000/1, opus/48000/2), in that order. */
    public static Baresip dial(String uri, String codecs) throws IOException, InterruptedException {
        return start(null, uri, codecs);
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
        return registered(user, registrarPort, password, regint, uri, "PCMU,PCMA");
    }

    /** Like {@link #registered(String, int, String, int, String)}, offering and accepting only {@code codecs}. */
    public static Baresip registered(String user, int registrarPort, String password, int regint, String uri,
                                     String codecs) throws IOException, InterruptedException {
        return start("<sip:" + user + "@127.0.0.1:" + registrarPort + ">;auth_pass=" + password + ";regint=" + regint
                + ";answermode=auto;audio_codecs=" + codecs, uri, codecs);
    }

    private static Baresip start(String account, String uri, String codecs) throws IOException, InterruptedException {
        String exe = Peers.require("baresip", "baresip");
        Path dir = Files.createTempDirectory("baresip");
        Files.createDirectories(dir.resolve("rec"));
        int sip = Ports.free();
        int rtp = 20000 + (sip % 2000) * 10;
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll", "sip_listen 127.0.0.1:" + sip, "net_interface 127.0.0.1", "dns_server 127.0.0.1:53",
                "rtp_ports " + rtp + "-" + (rtp + 9), "audio_player aubridge,sink", "audio_source ausine,440",
                "audio_alert aubridge,sink", "ausrc_srate 48000", "auplay_srate 48000", "ausrc_channels 2",
                "module_path /usr/lib/baresip/modules", "module g711.so", "module g722.so", "module opus.so", "module ausine.so", "module aubridge.so",
                "module sndfile.so", "snd_path " + dir.resolve("rec"), "module_app account.so", "module_app menu.so", ""));
        Files.writeString(dir.resolve("accounts"), (account != null ? account : "<sip:peer@127.0.0.1:" + sip
                + ">;regint=0;answermode=auto;audio_codecs=" + codecs) + "\n");
        Files.writeString(dir.resolve("contacts"), "");
        List<String> cmd = uri == null ? List.of(exe, "-f", dir.toString()) : List.of(exe, "-f", dir.toString(), "-e", "/dial " + uri);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();
        p.getOutputStream().close();
        return new Baresip(p, dir);
    }

    public String log() throws IOException {
        return closedLog != null ? closedLog : Files.readString(dir.resolve("baresip.log"));
    }

    /** The WAV recording of what baresip received (decoded); null when there is none. After {@link #close()}. */
    public byte[] receivedWav() {
        return closedRecording;
    }

    private Path recording() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("rec"))) {
            return s.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst().orElse(null);
        }
    }

    /** SIGTERM (baresip hangs up first), waits, keeps the log and recording in memory, deletes the temp dir. */
    @Override
    public void close() throws InterruptedException {
        if (closedLog != null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try {
            closedLog = Files.readString(dir.resolve("baresip.log"));
            Path rec = recording();
            closedRecording = rec == null ? null : Files.readAllBytes(rec);
            Files.writeString(EstuaryProcess.logDir().resolve("baresip-" + RUNS.incrementAndGet() + ".log"), closedLog);
        } catch (IOException e) {
            closedLog = closedLog == null ? "(log unreadable: " + e.getMessage() + ")" : closedLog;
        } finally {
            NginxRtmp.deleteTree(dir);
        }
    }
}
