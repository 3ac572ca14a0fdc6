package org.estuary.verticles.mixer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode stage of a mixer: takes the inputs, drains (decodes) every one that has work and
 * emits those it decoded. Several busy inputs are
 * decoded in parallel on a few decode threads, each input by one thread at a time; the caller (the
 * mixer's clock thread) waits for all, so composing afterwards sees every result and an input's
 * natives are never used by two threads at once. The threads start on first need.
 */
final class InputDecoding implements Stage<List<MixerInput>, MixerInput> {
    private static final Logger LOG = LoggerFactory.getLogger(InputDecoding.class);

    private final String name;
    private final int threads;
    private ExecutorService pool;

    /** {@code threads}: mixer.decodeThreads, already capped at the CPU count. */
    InputDecoding(String name, int threads) {
        this.name = name;
        this.threads = threads;
    }

    /** Clock thread: decodes what {@code inputs} have queued (and lets ended sources be noticed). */
    @Override
    public void process(List<MixerInput> inputs, Output<MixerInput> out) {
        List<MixerInput> pending = new ArrayList<>(inputs.size());
        for (MixerInput in : inputs) {
            if (in.hasQueued()) {
                pending.add(in);
            }
        }
        drain(pending);
        pending.forEach(out::emit);
    }

    private void drain(List<MixerInput> pending) {
        if (pending.size() <= 1 || threads <= 1) {
            pending.forEach(MixerInput::drain);
            return;
        }
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "mixer-" + name + "-decode");
                t.setDaemon(true);
                return t;
            });
        }
        List<Future<?>> running = new ArrayList<>(pending.size());
        for (MixerInput in : pending) {
            running.add(pool.submit(in::drain));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.warn("Mixer {}: decoding failed: {}", name, e.getCause().toString());
            }
        }
    }

    /** Idle between drains: the threads end at once. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
