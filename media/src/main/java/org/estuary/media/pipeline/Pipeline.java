package org.estuary.media.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A declared chain of named stages, e.g. decode → scale → watermark → fps → encode, built once and
 * then fed input by input on one thread. Each node counts frames in, out and dropped.
 *
 * @param <I> what the first stage takes
 * @param <O> what the last stage emits
 */
public final class Pipeline<I, O> implements AutoCloseable {
    private final List<PipelineNode> nodes;
    private boolean closed;

    private Pipeline(List<PipelineNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Starts declaring a pipeline that takes {@code T}. */
    public static <T> Builder<T, T> builder() {
        return new Builder<>(new ArrayList<>());
    }

    /** Runs one input through every stage; outputs of the last stage go to {@code sink}. */
    @SuppressWarnings("unchecked")
    public void push(I input, Consumer<? super O> sink) {
        if (closed) {
            throw new IllegalStateException("pipeline closed");
        }
        nodes.get(0).process(input, downstreamOf(0, (Consumer<Object>) sink));
    }

    /** Flushes every stage in order, so what the first one still held passes through the rest. */
    @SuppressWarnings("unchecked")
    public void flush(Consumer<? super O> sink) {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).flush(downstreamOf(i, (Consumer<Object>) sink));
        }
    }

    private Output<Object> downstreamOf(int index, Consumer<Object> sink) {
        if (index == nodes.size() - 1) {
            return new Output<>() {
                @Override
                public void emit(Object value) {
                    sink.accept(value);
                }

                @Override
                public void drop() { }
            };
        }
        PipelineNode next = nodes.get(index + 1);
        return new Output<>() {
            @Override
            public void emit(Object value) {
                next.process(value, downstreamOf(index + 1, sink));
            }

            @Override
            public void drop() { }
        };
    }

    public List<NodeStats> stats() {
        return nodes.stream().map(PipelineNode::stats).toList();
    }

    public List<PipelineNode> nodes() {
        return nodes;
    }

    /** The declared graph, e.g. {@code decode -> scale -> encode}. */
    public String describe() {
        return nodes.stream().map(PipelineNode::name).collect(Collectors.joining(" -> "));
    }

    /** Closes every stage (frees their native objects); safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (PipelineNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Declares the stages in order; {@code M} is what the pipeline emits so far. */
    public static final class Builder<T, M> {
        private final List<PipelineNode> nodes;

        private Builder(List<PipelineNode> nodes) {
            this.nodes = nodes;
        }

        @SuppressWarnings("unchecked")
        public <N> Builder<T, N> then(String name, Stage<? super M, ? extends N> stage) {
            if (nodes.stream().anyMatch(n -> n.name().equals(name))) {
                throw new IllegalArgumentException("duplicate node name " + name);
            }
            nodes.add(new PipelineNode(name, (Stage<Object, Object>) (Stage<?, ?>) stage));
            return (Builder<T, N>) this;
        }

        public Pipeline<T, M> build() {
            if (nodes.isEmpty()) {
                throw new IllegalStateException("a pipeline needs at least one stage");
            }
            return new Pipeline<>(nodes);
        }
    }
}
