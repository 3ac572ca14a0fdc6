package org.estuary.media.pipeline;

/** Where a {@link Stage} sends its results; also how it reports an input it discarded on purpose. */
public interface Output<O> {

    void emit(O value);

    /** Counts one input dropped by choice (frame-rate reduction, undecodable data, ...). */
    void drop();
}
