package org.estuary.media.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * A named {@link Stage} in a pipeline with its counters. Counting happens on the pipeline's worker
 * thread; {@link #stats()} may be read from any thread (e.g. a REST find).
 */
public final class PipelineNode {
    private final String name;
    private final Stage<Object, Object> stage;
    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    PipelineNode(String name, Stage<Object, Object> stage) {
        this.name = name;
        this.stage = stage;
    }

    public String name() { return name; }

    public NodeStats stats() {
        return new NodeStats(name, in.sum(), out.sum(), dropped.sum());
    }

    void process(Object input, Output<Object> downstream) {
        in.increment();
        stage.process(input, counting(downstream));
    }

    void flush(Output<Object> downstream) {
        stage.flush(counting(downstream));
    }

    void close() {
        stage.close();
    }

    private Output<Object> counting(Output<Object> downstream) {
        return new Output<>() {
            @Override
            public void emit(Object value) {
                out.increment();
                downstream.emit(value);
            }

            @Override
            public void drop() {
                dropped.increment();
            }
        };
    }
}
