package org.estuary.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, text);
        return file;
    }

    private ConfigException failure(String yamlText, Map<String, String> env, List<String> sets) throws Exception {
        Path file = yamlText == null ? null : yaml(yamlText);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env, sets));
    }

    private static void assertProblem(ConfigException e, String expectedStart) {
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expectedStart)),
                "no problem starting with <" + expectedStart + "> in " + e.problems());
    }

    @Test
    void noSourcesGiveTheDefaults() throws Exception {
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(null, Map.of(), List.of()));
    }

    @Test
    void fileOverridesDefaultsKeyByKey() throws Exception {
        ServerConfig config = ConfigLoader.load(yaml("""
                rtmp:
                  port: 19350
                cluster:
                  enabled: true
                  members: ["a:1", "b:2"]
                  role: edge
                """), Map.of(), List.of());
        assertEquals(19350, config.rtmp().port());
        assertEquals(RtmpConfig.defaults().chunkSize(), config.rtmp().chunkSize());
        assertEquals(List.of("a:1", "b:2"), config.cluster().members());
        assertEquals(List.of(ClusterRole.EDGE), config.cluster().role());
        assertTrue(config.cluster().enabled());
    }

    @Test
    void aNodeMayHaveSeveralRolesAsAListOrCommaSeparated() throws Exception {
        ServerConfig fromList = ConfigLoader.load(yaml("cluster:\n  role: [origin, edge, origin]\n"), Map.of(), List.of());
        assertEquals(List.of(ClusterRole.ORIGIN, ClusterRole.EDGE), fromList.cluster().role());
        ServerConfig fromSet = ConfigLoader.load(null, Map.of(), List.of("cluster.role=edge, transcoder"));
        assertEquals(List.of(ClusterRole.EDGE, ClusterRole.TRANSCODER), fromSet.cluster().role());
        assertTrue(fromSet.toYaml().contains("role: edge,transcoder"), fromSet.toYaml());
        assertEquals(fromSet, ConfigLoader.load(yaml(fromSet.toYaml()), Map.of(), List.of()));
        assertProblem(failure("cluster:\n  role: []\n", Map.of(), List.of()), "cluster.role: expected one or more");
    }

    @Test
    void emptyFileAndEmptySectionKeepDefaults() throws Exception {
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(yaml(""), Map.of(), List.of()));
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(yaml("# only a comment\n"), Map.of(), List.of()));
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(yaml("metrics:\n"), Map.of(), List.of()));
    }

    @Test
    void unknownKeyIsNamedWithSuggestion() throws Exception {
        ConfigException e = failure("rtmp:\n  prot: 1936\n", Map.of(), List.of());
        assertProblem(e, "rtmp.prot: unknown key (did you mean rtmp.port?)");
    }

    @Test
    void unknownSectionIsNamed() throws Exception {
        assertProblem(failure("rmtp:\n  port: 1936\n", Map.of(), List.of()), "rmtp: unknown section (did you mean rtmp?)");
        assertProblem(failure("bogus: 1\n", Map.of(), List.of()), "bogus: unknown section");
    }

    @Test
    void wrongTypeNamesKeyAndExpectation() throws Exception {
        ConfigException e = failure("rtmp:\n  port: abc\n", Map.of(), List.of());
        assertProblem(e, "rtmp.port: expected an integer 0..65535, got \"abc\"");
        assertProblem(failure("hls:\n  autoStart: 3\n", Map.of(), List.of()), "hls.autoStart: expected true or false, got 3");
        assertProblem(failure("rest:\n  port: 1.5\n", Map.of(), List.of()), "rest.port: expected an integer 0..65535, got 1.5");
        assertProblem(failure("node:\n  id: [1]\n", Map.of(), List.of()), "node.id: expected a string, got [1]");
        assertProblem(failure("cluster:\n  role: boss\n", Map.of(), List.of()),
                "cluster.role: expected one or more (comma-separated) of origin|edge|transcoder, got \"boss\"");
        assertProblem(failure("rtmp: 5\n", Map.of(), List.of()), "rtmp: expected a map of keys, got 5");
    }

    @Test
    void outOfRangeNamesKeyAndRange() throws Exception {
        assertProblem(failure("rtmp:\n  port: 70000\n", Map.of(), List.of()), "rtmp.port: expected an integer 0..65535, got 70000");
        assertProblem(failure("rtmp:\n  chunkSize: 64\n", Map.of(), List.of()), "rtmp.chunkSize: expected an integer 128..65536, got 64");
        assertProblem(failure("rtmp:\n  port: -1\n", Map.of(), List.of()), "rtmp.port: expected an integer 0..65535, got -1");
        assertProblem(failure("rest:\n  port: 99999999999999999999\n", Map.of(), List.of()), "rest.port: expected an integer 0..65535");
    }

    @Test
    void portZeroMeansAnyFreePort() throws Exception {
        ServerConfig config = ConfigLoader.load(null, Map.of(), List.of("rest.port=0", "websocket.port=0", "hls.port=0"));
        assertEquals(0, config.rest().port());
    }

    @Test
    void allProblemsAreReportedTogether() throws Exception {
        ConfigException e = failure("""
                rtmp:
                  prot: 1
                  chunkSize: 1
                hls:
                  directory: ""
                """, Map.of("ESTUARY_REST_PORT", "x"), List.of("sip.port=-5"));
        assertEquals(5, e.problems().size(), e.problems().toString());
        assertProblem(e, "rtmp.prot: unknown key");
        assertProblem(e, "rtmp.chunkSize: expected an integer 128..65536");
        assertProblem(e, "hls.directory: expected a non-empty string");
        assertProblem(e, "rest.port: expected an integer 0..65535, got \"x\" (from environment ESTUARY_REST_PORT)");
        assertProblem(e, "sip.port: expected an integer 0..65535, got \"-5\" (from --set)");
        assertEquals(String.join("\n", e.problems()), e.getMessage());
    }

    @Test
    void environmentOverridesFile() throws Exception {
        ServerConfig config = ConfigLoader.load(yaml("rtmp:\n  publishIdleTimeoutMs: 7000\n"),
                Map.of("ESTUARY_RTMP_PUBLISH_IDLE_TIMEOUT_MS", "2000",
                        "ESTUARY_CLUSTER_MEMBERS", "a:1,b:2",
                        "ESTUARY_HLS_AUTO_START", "false",
                        "ESTUARY_CLUSTER_ROLE", "transcoder",
                        "PATH", "/usr/bin",
                        "ESTUARY_HOME", "/opt/estuary"),
                List.of());
        assertEquals(2000, config.rtmp().publishIdleTimeoutMs());
        assertEquals(List.of("a:1", "b:2"), config.cluster().members());
        assertEquals(false, config.hls().autoStart());
        assertEquals(List.of(ClusterRole.TRANSCODER), config.cluster().role());
    }

    @Test
    void unknownEnvironmentVariableIsNamed() throws Exception {
        ConfigException e = failure(null, Map.of("ESTUARY_RTMP_PROT", "1"), List.of());
        assertProblem(e, "ESTUARY_RTMP_PROT: unknown environment variable (did you mean ESTUARY_RTMP_PORT?)");
    }

    @Test
    void setWinsOverEnvironmentAndFileAndLaterSetWins() throws Exception {
        ServerConfig config = ConfigLoader.load(yaml("rtmp:\n  port: 1000\n"),
                Map.of("ESTUARY_RTMP_PORT", "2000"),
                List.of("rtmp.port=3000", "rtmp.port=4000", "cluster.members=x:1", "node.id=", "node.publicHost=a=b"));
        assertEquals(4000, config.rtmp().port());
        assertEquals(List.of("x:1"), config.cluster().members());
        assertEquals("", config.node().id());
        assertEquals("a=b", config.node().publicHost());
    }

    @Test
    void badSetIsReported() throws Exception {
        assertProblem(failure(null, Map.of(), List.of("rtmp.port")), "--set rtmp.port: expected section.key=value");
        assertProblem(failure(null, Map.of(), List.of("rtmp.prot=1")), "rtmp.prot: unknown key (did you mean rtmp.port?) (from --set)");
    }

    @Test
    void mediaPortRangeMustBeOrdered() throws Exception {
        ConfigException e = failure(null, Map.of(), List.of("media.portFrom=40000", "media.portTo=30000"));
        assertProblem(e, "media.portFrom: 40000 is above media.portTo 30000");
        assertEquals(50, ConfigLoader.load(null, Map.of(), List.of("media.portFrom=50", "media.portTo=50")).media().portTo());
    }

    @Test
    void tcpPortsMustBeDistinctUnlessZero() throws Exception {
        ConfigException e = failure(null, Map.of(), List.of("hls.port=8081"));
        assertProblem(e, "hls.port: port 8081 is already used by rest.port");
        ConfigLoader.load(null, Map.of(), List.of("rest.port=0", "hls.port=0", "websocket.port=0", "rtmp.port=0"));
        // SIP listens on TCP too, so it may not share a port with another TCP listener.
        assertProblem(failure(null, Map.of(), List.of("sip.port=8081")), "sip.port: port 8081 is already used by rest.port");
    }

    @Test
    void clusterMembersMustBeHostPort() throws Exception {
        assertProblem(failure("cluster:\n  members: [\"a:1\", \"nope\"]\n", Map.of(), List.of()),
                "cluster.members: expected a list of host:port (port 1..65535), got \"nope\"");
        assertProblem(failure(null, Map.of("ESTUARY_CLUSTER_MEMBERS", "a:1,b:0"), List.of()), "cluster.members: expected");
        assertProblem(failure(null, Map.of(), List.of("cluster.members=:5701")), "cluster.members: expected");
        assertEquals(List.of("[::1]:5701"),
                ConfigLoader.load(null, Map.of(), List.of("cluster.members=[::1]:5701")).cluster().members());
        assertEquals(List.of(), ConfigLoader.load(null, Map.of(), List.of("cluster.members=")).cluster().members());
    }

    @Test
    void directoriesMustNotBeEmpty() throws Exception {
        ConfigException e = failure(null, Map.of(), List.of("hls.directory=", "media.directory= ", "records.directory="));
        assertEquals(3, e.problems().size(), e.problems().toString());
    }

    @Test
    void yamlThatIsNotAMapIsRejected() throws Exception {
        assertProblem(failure("- a\n- b\n", Map.of(), List.of()), dir.resolve("server.yaml") + ": expected a map of sections");
        assertProblem(failure("just a string\n", Map.of(), List.of()), dir.resolve("server.yaml") + ": expected a map of sections");
    }

    @Test
    void garbageYamlIsRejected() throws Exception {
        assertProblem(failure("rtmp: [unclosed\n  port: :::\n", Map.of(), List.of()), dir.resolve("server.yaml") + ": not valid YAML");
        assertProblem(failure("rtmp:\n  port: 1\n  port: 2\n", Map.of(), List.of()), dir.resolve("server.yaml") + ": not valid YAML");
    }

    @Test
    void yamlCannotInstantiateArbitraryTypes() throws Exception {
        assertProblem(failure("node:\n  id: !!java.io.File [\"/tmp\"]\n", Map.of(), List.of()),
                dir.resolve("server.yaml") + ": not valid YAML");
    }

    @Test
    void aliasBombIsRefused() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            bomb.append("]\n");
            previous = c;
        }
        assertProblem(failure(bomb.toString(), Map.of(), List.of()), dir.resolve("server.yaml") + ": not valid YAML");
    }

    @Test
    void missingFileIsReported() {
        Path missing = dir.resolve("missing.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of(), List.of()));
        assertProblem(e, missing + ": cannot read");
    }
}
