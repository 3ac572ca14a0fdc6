package org.estuary.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §4b: a feature package under {@code org.estuary.verticles} uses {@code core},
 * {@code media}, the shared packages below and its own classes, never another feature package.
 *
 * <p>Reads the compiled classes rather than the sources, so fully qualified names and nested
 * types count as well as imports (a class file names every class it uses in its constant pool).
 */
class FeaturePackagesTest {
    /**
     * Packages every feature may use: the agent kit, the RTMP client shared by pull/push/CDN
     * relays, and the TLS server options shared by every listener. The root package
     * ({@code EstuaryServer}, {@code Main}, bridges) wires features together and is not a feature.
     */
    private static final Set<String> SHARED = Set.of("agent", "rtmpclient", "tls");

    private static final Pattern REFERENCE = Pattern.compile("org/estuary/verticles/([a-z0-9_]+)/");

    @Test
    void noFeaturePackageUsesAnotherFeaturePackage() throws Exception {
        Path root = classesRoot();
        Set<String> violations = new TreeSet<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path cls : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                Path rel = root.relativize(cls);
                if (rel.getNameCount() < 2) {
                    continue; // root package: the wiring
                }
                scanned++;
                String own = rel.getName(0).toString();
                for (String used : referencedPackages(cls)) {
                    // A shared package must not use a feature either, else features would through it.
                    if (!used.equals(own) && !SHARED.contains(used)) {
                        violations.add(rel + " uses verticles." + used);
                    }
                }
            }
        }
        assertTrue(scanned > 100, "found only " + scanned + " classes under " + root);
        assertEquals(List.of(), List.copyOf(violations));
    }

    @Test
    void theScanSeesReferencesBetweenPackages() throws Exception {
        // Guards the test above against passing vacuously: Transponder is known to use the kit
        // and the RTMP client, so the scan must report both.
        Path transponder = classesRoot().resolve("push/Transponder.class");
        Set<String> used = referencedPackages(transponder);
        assertTrue(used.contains("agent"), "scan found " + used);
        assertTrue(used.contains("rtmpclient"), "scan found " + used);
    }

    private static Set<String> referencedPackages(Path classFile) {
        try {
            // Constant-pool UTF-8 entries (class names, descriptors, signatures) hold plain ASCII.
            String text = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            Set<String> packages = new TreeSet<>();
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                packages.add(m.group(1));
            }
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path classesRoot() throws URISyntaxException {
        Path classes = Path.of(EstuaryServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.resolve("org/estuary/verticles");
    }
}
