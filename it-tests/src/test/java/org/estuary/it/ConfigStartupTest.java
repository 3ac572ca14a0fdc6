package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.JarRun;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The command line a user types: help, effective config, bad config (exit 2), failed start (exit 1), SIGTERM (exit 0). */
class ConfigStartupTest {

    private static JarRun.Result run(String name, String... args) throws Exception {
        return JarRun.run("config-" + name, 60, List.of(args));
    }

    @Test
    void misspelledKeyExits2NamingIt() throws Exception {
        JarRun.Result r = run("misspelled", "--set", "rtmp.prot=1");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("rtmp.prot"), r.toString());
        assertTrue(r.stderr().contains("rtmp.port"), "suggests the right key: " + r);
    }

    @Test
    void badValueExits2NamingTheKey() throws Exception {
        JarRun.Result r = run("badvalue", "--set", "rtmp.port=abc");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("rtmp.port"), r.toString());
    }

    @Test
    void missingConfigFileExits2() throws Exception {
        JarRun.Result r = run("missingfile", "--conf", "missing.yaml");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("missing.yaml"), r.toString());
    }

    @Test
    void printConfigPrintsTheEffectiveYaml() throws Exception {
        JarRun.Result r = run("print", "--print-config", "--set", "rtmp.port=1940");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> yaml = new Yaml().load(r.stdout());
        @SuppressWarnings("unchecked")
        Map<String, Object> rtmp = (Map<String, Object>) yaml.get("rtmp");
        assertEquals(1940, rtmp.get("port"), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> rest = (Map<String, Object>) yaml.get("rest");
        assertEquals(8081, rest.get("port"), "defaults are printed too: " + r);
    }

    @Test
    void helpExits0() throws Exception {
        JarRun.Result r = run("help", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("--set") && r.stdout().contains("--conf"), r.toString());
    }

    @Test
    void takenPortExits1WithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            List<String> args = new ArrayList<>(EstuaryProcess.asSetArgs(EstuaryProcess.loopbackSets(port, Ports.free())));
            JarRun.Result r = JarRun.run("config-takenport", 90, args);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("start-up failed"), r.toString());
            assertTrue(r.stderr().toLowerCase().contains("address already in use") || r.stderr().contains(String.valueOf(port)),
                    "says which port or why: " + r);
        }
    }

    @Test
    void sigtermStopsCleanlyWithExit0() throws Exception {
        EstuaryProcess server = EstuaryProcess.start("config-sigterm");
        assertEquals(200, server.get("/health").status());
        assertEquals(0, server.stop(), EstuaryProcess.tail(server.log()));
        assertTrue(server.logText().contains("stopped"), server.logText());
        // the default: Netty's native epoll transport, shipped in the jar for linux-x86_64
        assertTrue(server.logText().contains("network on epoll"), server.logText());
    }

    @Test
    void nativeTransportOffRunsOnJavaNio() throws Exception {
        EstuaryProcess server = EstuaryProcess.start("config-nio", "node.nativeTransport=false");
        assertEquals(200, server.get("/health").status());
        assertEquals(0, server.stop(), EstuaryProcess.tail(server.log()));
        assertTrue(server.logText().contains("network on Java NIO"), server.logText());
    }
}
