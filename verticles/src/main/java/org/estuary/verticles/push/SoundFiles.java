package org.estuary.verticles.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.estuary.core.control.ApiStatus;
import org.estuary.media.audio.WavAudio;
import org.estuary.media.audio.WavFormatException;
import org.estuary.media.audio.WavReader;

/** Resolves and loads sound files for injection, strictly inside the configured media directory. Blocking. */
final class SoundFiles {
    private final Path dir;

    SoundFiles(Path mediaDirectory) {
        this.dir = mediaDirectory.toAbsolutePath().normalize();
    }

    /** @throws ApiFailure 400 outside the directory or not a usable WAV, 404 missing */
    WavAudio load(String soundFile) {
        if (soundFile == null || soundFile.isBlank()) {
            throw new ApiFailure(ApiStatus.BAD_REQUEST, "soundFile is missing");
        }
        Path p;
        try {
            p = dir.resolve(soundFile).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ApiFailure(ApiStatus.BAD_REQUEST, "Bad soundFile name: " + soundFile);
        }
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw new ApiFailure(ApiStatus.BAD_REQUEST, "soundFile must name a file inside the media directory: " + soundFile);
        }
        if (!Files.isRegularFile(p)) {
            throw new ApiFailure(ApiStatus.NOT_FOUND, "Sound file not found: " + soundFile);
        }
        try {
            // a symlink inside the directory must not lead outside it
            if (!p.toRealPath().startsWith(dir.toRealPath())) {
                throw new ApiFailure(ApiStatus.BAD_REQUEST, "soundFile must name a file inside the media directory: " + soundFile);
            }
            return WavReader.read(p);
        } catch (WavFormatException e) {
            throw new ApiFailure(ApiStatus.BAD_REQUEST, "Not a usable RIFF PCM WAV file: " + soundFile + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ApiFailure(ApiStatus.NOT_FOUND, "Cannot read sound file " + soundFile + ": " + e.getMessage());
        }
    }
}
