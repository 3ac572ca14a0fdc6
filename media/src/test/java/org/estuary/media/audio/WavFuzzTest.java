package org.estuary.media.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.estuary.core.fuzz.MutationFuzzer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** WAV files come from requests (sound injection, mixer sounds): the reader refuses, never crashes. */
@Tag("fuzz")
class WavFuzzTest {
    @Test
    void wavReader() {
        assertTrue(new MutationFuzzer("wav", WavReader::parse, WavFormatException.class).run() > 0);
    }
}
