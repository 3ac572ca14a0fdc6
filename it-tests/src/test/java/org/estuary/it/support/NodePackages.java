package org.estuary.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The it-tests' own npm folders (it-tests/hlsjs, it-tests/s3, it-tests/websdk): each has a
 * committed package-lock.json, and {@code npm ci} installs exactly that when the file a test needs
 * is missing. Tests run from it-tests (surefire's basedir) or from the reactor root.
 */
public final class NodePackages {
    private NodePackages() { }

    /**
     * it-tests/{@code folder}, after {@code npm ci} there when {@code needed} (a path below the
     * folder) is missing; fails the test naming the folder and npm's output when it stays missing.
     */
    public static Path installed(String folder, String needed, int timeoutSeconds) throws Exception {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve(folder);
        if (!Files.exists(dir.resolve("package-lock.json"))) {
            dir = Path.of("it-tests", folder).toAbsolutePath(); // run from the reactor root
        }
        if (!Files.exists(dir.resolve(needed))) {
            String npm = Peers.require("npm", "npm");
            Peers.Result r = Peers.run(timeoutSeconds, "sh", "-c", "cd '" + dir + "' && " + npm + " ci --no-audit --no-fund");
            if (r.exitCode() != 0 || !Files.exists(dir.resolve(needed))) {
                throw new AssertionError("npm ci in " + dir + " failed (exit " + r.exitCode() + "): " + r.output());
            }
        }
        return dir;
    }
}
