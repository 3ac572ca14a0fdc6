package org.estuary.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Locates real peer programs. A missing peer fails the test (with the install hint), it never
 * skips it: a green run must mean the peer really ran.
 */
public final class Peers {
    private Peers() { }

    public static String require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/bin"}) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(program + " is not installed; the test suite needs it (apt-get install "
                + debianPackage + ", or run scripts/test-all.sh which installs the peers)");
    }

    public static String ffmpeg() {
        return require("ffmpeg", "ffmpeg");
    }

    public static String ffprobe() {
        return require("ffprobe", "ffmpeg");
    }

    /** Runs a command to completion with a hard timeout; returns exit code and combined output. */
    public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5000);
        return new Result(done ? p.exitValue() : -1, out[0] == null ? "" : new String(out[0]), !done);
    }

    /** What a finished command left. */
    public record Result(int exitCode, String output, boolean timedOut) { }
}
