package org.estuary.verticles.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the seed method list ({@code docs/seed-rest-api.txt}, a tab-separated copy of the
 * reference's method table). Rows whose first column starts with {@code /} are methods.
 */
final class SeedFile {
    /** Module dir is the test working directory; the repo copy sits in the repo's docs/. */
    static final Path REPO_COPY = Path.of("..", "docs", "seed-rest-api.txt");
    /** In CI and in the workspace, shared/ lies beside the repository folder. */
    static final Path SHARED_COPY = Path.of("..", "..", "shared", "seed-rest-api.txt");

    private static final Pattern ERROR = Pattern.compile("(\\d{3})\\s*[-\u2013]\\s*(.*?)(?=\\s+\\d{3}\\s*[-\u2013]|$)");

    /** One seed row. {@code errors} maps status → text (several texts joined with " / "). */
    record Entry(String path, List<String> params, String returns, Map<Integer, String> errors, String description) {
        boolean parameterless() {
            return params.isEmpty();
        }
    }

    private SeedFile() { }

    /** The repo copy, which the tests prefer so the repository is self-contained. */
    static Path locate() {
        if (Files.exists(REPO_COPY)) {
            return REPO_COPY;
        }
        return SHARED_COPY;
    }

    static List<Entry> read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Entry> parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("/")) {
                continue;
            }
            String[] cols = Arrays.copyOf(line.split("\t", -1), 5);
            String errorsCol = nullToEmpty(cols[3]).trim();
            Map<Integer, String> errors = parseErrors(errorsCol);
            String description = nullToEmpty(cols[4]).trim();
            if (errors.isEmpty() && description.isEmpty()) {
                // e.g. /cdn/show_nodes: the description sits in the Errors column
                description = errorsCol;
            }
            entries.add(new Entry(cols[0].trim(), parseParams(nullToEmpty(cols[1])), nullToEmpty(cols[2]).trim(),
                errors, description));
        }
        return entries;
    }

    /** "name mediaSessionId List of mediaSessionId status" → [name, mediaSessionId, mediaSessionIds, status]. */
    static List<String> parseParams(String col) {
        String c = col.trim().replace("List of mediaSessionId", "mediaSessionIds");
        if (c.isEmpty() || c.equals("void")) {
            return List.of();
        }
        return List.of(c.split("\\s+"));
    }

    static Map<Integer, String> parseErrors(String col) {
        Map<Integer, String> errors = new LinkedHashMap<>();
        Matcher m = ERROR.matcher(col);
        while (m.find()) {
            int code = Integer.parseInt(m.group(1));
            String text = m.group(2).trim();
            errors.merge(code, text, (a, b) -> a + " / " + b);
        }
        return errors;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
