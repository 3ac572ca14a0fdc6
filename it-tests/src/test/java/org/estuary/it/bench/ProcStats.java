package org.estuary.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of processes from /proc (Linux only). */
final class ProcStats {
    private static final long CLK_TCK = clockTicks();

    private ProcStats() { }

    /** CPU time split into user and system (kernel) seconds. */
    record Cpu(double user, double system) {
        double total() {
            return user + system;
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(user - earlier.user, system - earlier.system);
        }
    }

    /** utime and stime of every pid (each a whole process: all its threads), summed. */
    static Cpu cpu(List<Long> pids) throws IOException {
        long user = 0;
        long system = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the ")" that closes the command name; utime and stime are fields 14 and 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user += Long.parseLong(f[11]);
            system += Long.parseLong(f[12]);
        }
        return new Cpu(user / (double) CLK_TCK, system / (double) CLK_TCK);
    }

    /** Sum of VmRSS, in KiB. */
    static long rssKb(List<Long> pids) throws IOException {
        long kb = 0;
        for (long pid : pids) {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return kb;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100; // the Linux default
        }
    }
}
