package org.estuary.core.cmaf;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test-side ISO BMFF walker: every box's size must fit exactly inside its parent. */
record Boxes(String type, int offset, int size, List<Boxes> children) {
    private static final java.util.Set<String> CONTAINERS = java.util.Set.of(
            "moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");

    static List<Boxes> parse(byte[] b, int from, int to) {
        List<Boxes> out = new ArrayList<>();
        int p = from;
        while (p < to) {
            assertTrue(p + 8 <= to, "box header fits at " + p);
            int size = (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
            String type = new String(b, p + 4, 4, StandardCharsets.US_ASCII);
            assertTrue(size >= 8 && p + size <= to, "box " + type + " size " + size + " fits in its parent");
            List<Boxes> kids = CONTAINERS.contains(type) ? parse(b, p + 8, p + size) : List.of();
            out.add(new Boxes(type, p, size, kids));
            p += size;
        }
        assertEquals(to, p, "boxes fill their parent exactly");
        return out;
    }

    Boxes child(String t) {
        return children.stream().filter(c -> c.type.equals(t)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + t + " in " + type));
    }

    List<Boxes> all(String t) {
        return children.stream().filter(c -> c.type.equals(t)).toList();
    }

    static List<String> types(List<Boxes> l) {
        return l.stream().map(Boxes::type).toList();
    }

    static int u32(byte[] b, int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }
}
