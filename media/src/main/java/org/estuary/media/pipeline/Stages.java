package org.estuary.media.pipeline;

import java.util.function.Function;

/** Generic stage helpers. */
public final class Stages {
    private Stages() { }

    /**
     * A stage created from its first input, for stages whose parameters depend on the data (an
     * encoder sized after the first decoded picture). Closing before any input closes nothing.
     */
    public static <I, O> Stage<I, O> lazy(Function<? super I, ? extends Stage<I, O>> factory) {
        return new Stage<>() {
            private Stage<I, O> delegate;

            @Override
            public void process(I input, Output<O> out) {
                if (delegate == null) {
                    delegate = factory.apply(input);
                }
                delegate.process(input, out);
            }

            @Override
            public void flush(Output<O> out) {
                if (delegate != null) {
                    delegate.flush(out);
                }
            }

            @Override
            public void close() {
                if (delegate != null) {
                    delegate.close();
                    delegate = null;
                }
            }
        };
    }
}
