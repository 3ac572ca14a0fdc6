package org.estuary.media.pipeline;

/**
 * One step of a {@link Pipeline}: takes an input, emits zero or more outputs through
 * {@link Output}. Inputs are borrowed: valid during {@link #process} only; a stage that emits a
 * resource it created (a picture) closes it after {@code emit} returns.
 */
public interface Stage<I, O> extends AutoCloseable {

    void process(I input, Output<O> out);

    /** End of input: emit whatever is still held. */
    default void flush(Output<O> out) { }

    /** Frees the stage's native objects. */
    @Override
    default void close() { }
}
