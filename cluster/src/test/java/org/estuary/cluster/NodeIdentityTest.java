package org.estuary.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdentityTest {

    @Test
    void generatesReferenceFormat() {
        NodeIdentity id = NodeIdentity.generate("10.0.0.5", "edge");
        assertTrue(id.nodeId().matches("[A-Za-z0-9]{32}@10\\.0\\.0\\.5"), id.nodeId());
        assertEquals("10.0.0.5", id.host());
        assertEquals("edge", id.role());
        assertNotEquals(id.nodeId(), NodeIdentity.generate("10.0.0.5", "edge").nodeId());
    }
}
