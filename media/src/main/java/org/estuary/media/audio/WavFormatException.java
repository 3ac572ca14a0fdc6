package org.estuary.media.audio;

/** The file is not a RIFF WAVE with PCM or float samples we can read; the message says why. */
public class WavFormatException extends Exception {
    public WavFormatException(String message) {
        super(message);
    }
}
