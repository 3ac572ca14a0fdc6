package org.estuary.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the server jar to completion (for command-line checks: --help, --print-config, bad
 * configuration, failed start-up) and keeps stdout and stderr apart, because the contract is
 * "errors on stderr, exit code 2/1".
 */
public final class JarRun {
    private JarRun() { }

    /** What a finished run left; {@code exitCode} is -1 when it had to be killed. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit=" + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    public static Result run(String name, long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(EstuaryProcess.javaBin(), "-Xmx256m", "-jar",
                EstuaryProcess.jar().toString()));
        cmd.addAll(args);
        Path dir = EstuaryProcess.logDir();
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".stdout");
        Path err = dir.resolve(name + ".stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        int code;
        if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            code = p.exitValue();
        } else {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            code = -1;
        }
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
