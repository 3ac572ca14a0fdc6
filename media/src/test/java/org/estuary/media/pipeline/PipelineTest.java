package org.estuary.media.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {

    @Test
    void countsInOutAndDroppedPerNode() {
        List<String> out = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        Stage<Integer, Integer> evens = new Stage<>() {
            @Override
            public void process(Integer in, Output<Integer> o) {
                if (in % 2 == 0) {
                    o.emit(in);
                } else {
                    o.drop();
                }
            }

            @Override
            public void close() {
                closed.add("evens");
            }
        };
        Stage<Integer, String> twice = new Stage<>() {
            private int held = -1;

            @Override
            public void process(Integer in, Output<String> o) {
                o.emit(in + "a");
                o.emit(in + "b");
                held = in;
            }

            @Override
            public void flush(Output<String> o) {
                o.emit("flushed" + held);
            }

            @Override
            public void close() {
                closed.add("twice");
            }
        };
        Pipeline<Integer, String> p = Pipeline.<Integer>builder().then("filter", evens).then("dup", twice).build();
        for (int i = 0; i < 5; i++) {
            p.push(i, out::add);
        }
        p.flush(out::add);
        assertEquals(List.of("0a", "0b", "2a", "2b", "4a", "4b", "flushed4"), out);
        assertEquals(new NodeStats("filter", 5, 3, 2), p.stats().get(0));
        assertEquals(new NodeStats("dup", 3, 7, 0), p.stats().get(1));
        assertEquals("filter -> dup", p.describe());
        p.close();
        p.close();
        assertEquals(List.of("evens", "twice"), closed);
        assertThrows(IllegalStateException.class, () -> p.push(1, out::add));
    }

    @Test
    void duplicateNamesAndEmptyPipelinesAreRefused() {
        Stage<Integer, Integer> id = (in, o) -> o.emit(in);
        assertThrows(IllegalArgumentException.class, () -> Pipeline.<Integer>builder().then("a", id).then("a", id));
        assertThrows(IllegalStateException.class, () -> Pipeline.<Integer>builder().build());
    }
}
