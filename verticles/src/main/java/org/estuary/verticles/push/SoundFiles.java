package org.estuary.verticles.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.estuary.media.audio.WavAudio;
import org.estuary.media.audio.WavFormatException;
import org.estuary.media.audio.WavReader;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.MediaFiles;

/** Loads sound files for injection, strictly inside the configured media directory. Blocking. */
final class SoundFiles {
    private final MediaFiles files;

    SoundFiles(Path mediaDirectory) {
        this.files = new MediaFiles(mediaDirectory);
    }

    /** @throws ControlError 400 outside the directory or not a usable WAV, 404 missing */
    WavAudio load(String soundFile) {
        if (soundFile == null || soundFile.isBlank()) {
            throw ControlError.badRequest("soundFile is missing");
        }
        Path p;
        try {
            p = files.resolve(soundFile);
        } catch (MediaFiles.BadNameException e) {
            throw ControlError.badRequest("soundFile must name a file inside the media directory: " + soundFile
                    + " (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(p)) {
            throw ControlError.notFound("Sound file not found: " + soundFile);
        }
        try {
            return WavReader.read(p);
        } catch (WavFormatException e) {
            throw ControlError.badRequest("Not a usable RIFF PCM WAV file: " + soundFile + ": " + e.getMessage());
        } catch (IOException e) {
            throw ControlError.notFound("Cannot read sound file " + soundFile + ": " + e.getMessage());
        }
    }
}
