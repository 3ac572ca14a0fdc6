package org.estuary.core.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal MP4 box parser for tests: the box tree of a file, containers opened by type. */
record BoxTree(String type, int offset, int size, ByteBuffer body, List<BoxTree> children) {
    private static final List<String> CONTAINERS = List.of("moov", "trak", "mdia", "minf", "stbl", "mvex",
            "moof", "traf", "edts", "dinf");

    static List<BoxTree> parse(byte[] file) {
        return parse(ByteBuffer.wrap(file), 0, file.length);
    }

    private static List<BoxTree> parse(ByteBuffer all, int from, int to) {
        List<BoxTree> out = new ArrayList<>();
        int p = from;
        while (p + 8 <= to) {
            int size = all.getInt(p);
            String type = new String(new byte[] {all.get(p + 4), all.get(p + 5), all.get(p + 6), all.get(p + 7)},
                    StandardCharsets.ISO_8859_1);
            if (size < 8 || p + size > to) {
                throw new IllegalStateException("bad box " + type + " size " + size + " at " + p);
            }
            ByteBuffer body = all.duplicate().position(p + 8).limit(p + size).slice();
            List<BoxTree> kids = CONTAINERS.contains(type) ? parse(all, p + 8, p + size) : List.of();
            out.add(new BoxTree(type, p, size, body, kids));
            p += size;
        }
        if (p != to) {
            throw new IllegalStateException("trailing bytes at " + p);
        }
        return out;
    }

    static List<BoxTree> all(List<BoxTree> roots, String path) {
        String[] parts = path.split("/");
        List<BoxTree> level = roots;
        List<BoxTree> found = new ArrayList<>();
        collect(level, parts, 0, found);
        return found;
    }

    private static void collect(List<BoxTree> level, String[] parts, int i, List<BoxTree> found) {
        for (BoxTree b : level) {
            if (b.type.equals(parts[i])) {
                if (i == parts.length - 1) {
                    found.add(b);
                } else {
                    collect(b.children, parts, i + 1, found);
                }
            }
        }
    }

    List<String> childTypes() {
        return children.stream().map(BoxTree::type).toList();
    }
}
