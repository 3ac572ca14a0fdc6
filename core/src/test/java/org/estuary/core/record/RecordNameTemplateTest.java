package org.estuary.core.record;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordNameTemplateTest {
    @Test
    void rendersTheReferencePlaceholders() {
        RecordNameTemplate t = new RecordNameTemplate("{streamName}-{startTime}-{endTime}-{duration}-{videoCodec}-{audioCodec}");
        String name = t.render(Map.of("streamName", "cam1", "startTime", "1563776083752", "endTime", "1563776098752",
                "duration", "15000", "videoCodec", "H264", "audioCodec", "AAC"), ".mp4");
        assertEquals("cam1-1563776083752-1563776098752-15000-H264-AAC.mp4", name);
    }

    @Test
    void defaultTemplateAndUnresolvedPlaceholdersStay() {
        RecordNameTemplate t = new RecordNameTemplate("stream-{mediaSessionId}-{login}-{endTime}");
        assertEquals("stream-9c3e-bob-{endTime}.mp4", t.render(Map.of("mediaSessionId", "9c3e", "login", "bob"), ".mp4"));
    }

    @Test
    void parentDirectoriesAndSeparatorsCannotEscape() {
        RecordNameTemplate t = new RecordNameTemplate("../../etc/{streamName}");
        String name = t.render(Map.of("streamName", "../passwd"), ".mp4");
        assertFalse(name.contains("/"), name);
        assertFalse(name.contains(".."), name);
        Path dir = Path.of("/tmp/records");
        assertEquals(dir, RecordNameTemplate.resolveInside(dir, name).getParent());
        assertThrows(IllegalArgumentException.class, () -> RecordNameTemplate.resolveInside(dir, "../x.mp4"));
        assertThrows(IllegalArgumentException.class, () -> RecordNameTemplate.resolveInside(dir, "/etc/passwd"));
    }

    @Test
    void longNamesAreTrimmedAndHiddenNamesAvoided() {
        String name = RecordNameTemplate.sanitize("x".repeat(400), ".mp4");
        assertEquals(255, name.length());
        assertTrue(name.endsWith(".mp4"));
        assertEquals("_.hidden.mp4", RecordNameTemplate.sanitize(".hidden", ".mp4"));
        assertEquals("a_b_c.mp4", RecordNameTemplate.sanitize("a b\\c", ".mp4"));
    }

    @Test
    void rotationParsesSecondsAndSizes() {
        assertEquals(new Rotation(10, 0), Rotation.parse("10"));
        assertEquals(new Rotation(0, 20L * 1024 * 1024), Rotation.parse("20M"));
        assertEquals(Rotation.NONE, Rotation.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Rotation.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Rotation.parse("10X"));
        assertTrue(new Rotation(10, 0).due(10_000_000, 0));
        assertFalse(new Rotation(10, 0).due(9_000_000, 1 << 30));
    }
}
