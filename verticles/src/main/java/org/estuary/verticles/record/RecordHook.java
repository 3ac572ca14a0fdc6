package org.estuary.verticles.record;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional post-record command (records.hook): run with the stream name and the file path as
 * $1 $2 on the recording executor, killed after a timeout so a stuck script cannot pile up.
 */
final class RecordHook {
    private static final Logger LOG = LoggerFactory.getLogger(RecordHook.class);
    static final long TIMEOUT_SECONDS = 60;

    private final List<String> command;
    private final Executor executor;
    private final BiConsumer<String, Path> finished;

    /** @param finished also told about every finished file (the recordingFinished event); any thread */
    RecordHook(String command, Executor executor, BiConsumer<String, Path> finished) {
        this.command = command == null || command.isBlank() ? List.of() : List.of(command.trim().split("\\s+"));
        this.executor = executor;
        this.finished = finished;
    }

    void fire(String streamName, Path file) {
        finished.accept(streamName, file);
        if (command.isEmpty()) {
            return;
        }
        executor.execute(() -> run(streamName, file));
    }

    private void run(String streamName, Path file) {
        List<String> cmd = new ArrayList<>(command);
        cmd.add(streamName);
        cmd.add(file.toAbsolutePath().toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("record hook {} timed out after {} s for {}", command, TIMEOUT_SECONDS, file);
            } else if (p.exitValue() != 0) {
                LOG.warn("record hook {} exited with {} for {}", command, p.exitValue(), file);
            }
        } catch (Exception e) {
            LOG.warn("record hook {} failed for {}: {}", command, file, e.toString());
        }
    }
}
