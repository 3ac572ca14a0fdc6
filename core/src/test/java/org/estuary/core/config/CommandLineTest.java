package org.estuary.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void noArguments() throws Exception {
        CommandLine cl = CommandLine.parse(new String[0]);
        assertNull(cl.confFile());
        assertEquals(List.of(), cl.sets());
        assertFalse(cl.help());
        assertFalse(cl.printConfig());
    }

    @Test
    void allOptions() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {
            "--conf", "conf/server.yaml", "--set", "rtmp.port=1", "--set=rest.port=2", "--print-config", "--help"});
        assertEquals(Path.of("conf/server.yaml"), cl.confFile());
        assertEquals(List.of("rtmp.port=1", "rest.port=2"), cl.sets());
        assertTrue(cl.printConfig());
        assertTrue(cl.help());
        assertEquals(Path.of("x.yaml"), CommandLine.parse(new String[] {"--conf=x.yaml"}).confFile());
    }

    @Test
    void loadAppliesSets() throws Exception {
        ServerConfig config = CommandLine.parse(new String[] {"--set", "rtmp.port=1936"}).load(Map.of("ESTUARY_RTMP_PORT", "1"));
        assertEquals(1936, config.rtmp().port());
    }

    @Test
    void badArgumentsFailWithUsage() {
        for (String[] args : List.of(
                new String[] {"--bogus"},
                new String[] {"server.yaml"},
                new String[] {"--conf"},
                new String[] {"--conf", "a", "--conf", "b"},
                new String[] {"--set"},
                new String[] {"--set", "novalue"},
                new String[] {"--set", "=1"},
                new String[] {"--help=yes"})) {
            ConfigException e = assertThrows(ConfigException.class, () -> CommandLine.parse(args), List.of(args).toString());
            assertTrue(e.getMessage().endsWith(CommandLine.USAGE), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> CommandLine.parse(new String[] {"--bogus"}));
        assertTrue(e.getMessage().startsWith("unknown argument \"--bogus\""), e.getMessage());
    }
}
