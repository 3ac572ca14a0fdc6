package org.estuary.verticles.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.estuary.core.mp4.Mp4RecordingFile;
import org.estuary.core.record.RecordNameTemplate;

/**
 * One MP4 file of a recording: created under a name rendered from what is known at the start
 * (unknown placeholders such as {endTime} stay literal), renamed when finished once the end time
 * and duration are known. Never overwrites an existing file: a counter is appended instead.
 */
final class RecordFile {
    static final String EXTENSION = ".mp4";

    private final Path dir;
    private final RecordNameTemplate template;
    private final Map<String, String> values;
    private final long startMillis;
    private final Mp4RecordingFile mp4;
    private Path path;

    private RecordFile(Path dir, RecordNameTemplate template, Map<String, String> values, long startMillis,
                       Path path, Mp4RecordingFile mp4) {
        this.dir = dir;
        this.template = template;
        this.values = values;
        this.startMillis = startMillis;
        this.path = path;
        this.mp4 = mp4;
    }

    /** Creates the file; {@code values} are the placeholders known now (start times are added here). */
    static RecordFile create(Path dir, RecordNameTemplate template, Map<String, String> known, int headerReserve)
            throws IOException {
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        Map<String, String> values = new HashMap<>(known);
        values.put(RecordNameTemplate.START_TIME, Long.toString(now));
        values.put(RecordNameTemplate.START_TIME_MILLIS, Long.toString(now));
        Path p = freeName(dir, template.render(values, EXTENSION), null);
        return new RecordFile(dir, template, values, now, p, Mp4RecordingFile.create(p, headerReserve));
    }

    Mp4RecordingFile mp4() { return mp4; }
    Path path() { return path; }
    String fileName() { return path.getFileName().toString(); }

    /**
     * Finishes the MP4 and gives it its final name; {@code part} > 0 appends "-part" (rotated
     * pieces of a template without a start time). Returns the final path.
     */
    Path finish(int part) throws IOException {
        long durationMs = mp4.finish();
        long end = startMillis + durationMs;
        values.put(RecordNameTemplate.END_TIME, Long.toString(end));
        values.put(RecordNameTemplate.END_TIME_MILLIS, Long.toString(end));
        values.put(RecordNameTemplate.DURATION, Long.toString(durationMs));
        String name = template.render(values, EXTENSION);
        if (part > 0) {
            String base = name.substring(0, name.length() - EXTENSION.length());
            name = RecordNameTemplate.sanitize(base + "-" + part, EXTENSION);
        }
        if (!name.equals(fileName())) {
            Path target = freeName(dir, name, path);
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
            path = target;
        }
        return path;
    }

    /** Closes without finishing (the file stays fragmented and playable). */
    void abandon() {
        try {
            mp4.close();
        } catch (IOException ignored) {
            // nothing more to save
        }
    }

    /** {@code name} inside {@code dir}, or name-2, name-3... when taken by another file. */
    private static Path freeName(Path dir, String name, Path self) {
        Path p = RecordNameTemplate.resolveInside(dir, name);
        String base = name.substring(0, name.length() - EXTENSION.length());
        for (int i = 2; Files.exists(p) && !p.equals(self); i++) {
            p = RecordNameTemplate.resolveInside(dir, RecordNameTemplate.sanitize(base + "-" + i, EXTENSION));
        }
        return p;
    }
}
