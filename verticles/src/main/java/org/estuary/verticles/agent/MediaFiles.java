package org.estuary.verticles.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves file names that come in requests inside the configured media directory only: no
 * absolute paths, no {@code ..}, no symbolic link that leads outside.
 */
public final class MediaFiles {
    private final Path root;

    public MediaFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Thrown with a message fit for a 4xx answer. */
    public static final class BadNameException extends Exception {
        BadNameException(String message) {
            super(message);
        }
    }

    /**
     * The file for {@code name}; it may not exist (the caller checks and answers 404).
     *
     * @throws BadNameException when the name would leave the directory
     */
    public Path resolve(String name) throws BadNameException {
        if (name == null || name.isBlank() || name.indexOf('\0') >= 0) {
            throw new BadNameException("empty file name");
        }
        Path p;
        try {
            p = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new BadNameException("bad file name: " + name);
        }
        if (Path.of(name).isAbsolute() || !p.startsWith(root) || p.equals(root)) {
            throw new BadNameException("file name leaves the media directory: " + name);
        }
        if (Files.exists(p)) {
            try {
                Path real = p.toRealPath();
                Path realRoot = root.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new BadNameException("file name leaves the media directory: " + name);
                }
            } catch (IOException e) {
                throw new BadNameException("cannot read " + name);
            }
        }
        return p;
    }
}
