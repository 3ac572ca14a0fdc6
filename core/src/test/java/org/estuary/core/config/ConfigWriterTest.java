package org.estuary.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWriterTest {

    @TempDir
    Path dir;

    private ServerConfig roundTrip(ServerConfig config) throws Exception {
        Path file = dir.resolve("printed.yaml");
        Files.writeString(file, config.toYaml());
        return ConfigLoader.load(file, Map.of(), List.of());
    }

    @Test
    void defaultsRoundTrip() throws Exception {
        assertEquals(ServerConfig.defaults(), roundTrip(ServerConfig.defaults()));
    }

    @Test
    void changedValuesRoundTrip() throws Exception {
        ServerConfig changed = ConfigLoader.load(null, Map.of(), List.of(
                "node.id=123", "node.publicHost=true", "cluster.members=a:1,[::1]:2", "cluster.role=edge",
                "hls.autoStart=false", "rest.corsAllowOrigin=https://x.example"));
        assertEquals(changed, roundTrip(changed));
    }

    @Test
    void printsEverySectionAndLowerCaseRole() {
        String yaml = ServerConfig.defaults().toYaml();
        for (String section : ConfigSchema.sections()) {
            assertTrue(yaml.contains("\n" + section + ":") || yaml.startsWith(section + ":"), section);
        }
        assertTrue(yaml.contains("role: origin"), yaml);
    }
}
