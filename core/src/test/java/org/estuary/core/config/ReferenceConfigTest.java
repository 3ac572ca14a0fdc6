package org.estuary.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** conf/server.yaml must stay the complete reference of the built-in defaults. */
class ReferenceConfigTest {

    static final Path REFERENCE = Path.of(System.getProperty("user.dir")).resolve("../conf/server.yaml");

    @Test
    void referenceLoadsToExactlyTheDefaults() throws Exception {
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(REFERENCE, Map.of(), List.of()));
    }

    @Test
    void referenceContainsEveryKey() throws Exception {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(REFERENCE));
        Map<?, ?> sections = assertInstanceOf(Map.class, document);
        assertEquals(ConfigSchema.sections(), List.copyOf(sections.keySet().stream().map(String::valueOf).toList()),
                "sections, in order");
        for (String key : ConfigSchema.keys()) {
            int dot = key.indexOf('.');
            Map<?, ?> section = assertInstanceOf(Map.class, sections.get(key.substring(0, dot)), key);
            assertTrue(section.containsKey(key.substring(dot + 1)), "conf/server.yaml lacks " + key);
        }
    }

    @Test
    void everyKeyInTheReferenceHasACommentAbove() throws Exception {
        List<String> lines = Files.readAllLines(REFERENCE);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("^  [A-Za-z]+:.*")) { // a key line (not a comment, not a list item)
                assertTrue(lines.get(i - 1).trim().startsWith("#"), "no comment above line " + (i + 1) + ": " + line);
            }
        }
    }
}
