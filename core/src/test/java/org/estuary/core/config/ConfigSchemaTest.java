package org.estuary.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

    @Test
    void envNamesAreUpperSnake() {
        assertEquals("ESTUARY_RTMP_PUBLISH_IDLE_TIMEOUT_MS", ConfigSchema.envName("rtmp.publishIdleTimeoutMs"));
        assertEquals("ESTUARY_CLUSTER_MEMBERS", ConfigSchema.envName("cluster.members"));
        assertEquals("ESTUARY_HLS_SEGMENT_DURATION_SEC", ConfigSchema.envName("hls.segmentDurationSec"));
    }

    @Test
    void keysStartWithTheSections() {
        assertEquals(List.of("node", "rest", "websocket", "hls", "rtmp", "sip", "media", "records", "stream", "cluster",
                "metrics", "mixer", "hooks", "access", "webrtc", "tls", "rtsp", "pull", "push", "vod", "mpegts",
                "transcoder", "cdn", "limits", "sfu"), ConfigSchema.sections());
        // Not a key count: every branch adding a setting conflicted on it. What must hold is that
        // each key is unique and belongs to a declared section.
        List<String> keys = ConfigSchema.keys();
        assertEquals(keys.size(), new java.util.HashSet<>(keys).size(), "duplicate keys");
        for (String key : keys) {
            assertTrue(ConfigSchema.sections().contains(key.substring(0, key.indexOf('.'))), key);
        }
        assertEquals("node.id", keys.get(0));
    }

    @Test
    void nodeResolveFillsBlanks() {
        NodeConfig resolved = NodeConfig.defaults().resolve();
        assertFalse(resolved.id().isBlank());
        assertFalse(resolved.publicHost().isBlank());
        NodeConfig fixed = new NodeConfig("n1", "0.0.0.0", "example.org", 1, 180_000, true).resolve();
        assertEquals("n1", fixed.id());
        assertEquals("example.org", fixed.publicHost());
    }

    @Test
    void rtmpInstancesZeroMeansCores() {
        assertTrue(RtmpConfig.defaults().effectiveInstances() >= 1);
    }
}
