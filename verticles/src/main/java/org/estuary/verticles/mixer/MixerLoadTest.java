package org.estuary.verticles.mixer;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.control.ApiStatus;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /mixer/test/*}: creates {@code mixerCount} mixers, each fed by {@code streamsInMixer}
 * distinct streams of {@code feedingStreams}, and destroys and re-creates them every
 * {@code intervalInSeconds} until stopped. Each generation gets fresh names ({@code mixer://test-<gen>-<i>})
 * because the previous generation's workers may still be releasing their output names.
 * Runs on the mixer verticle's context.
 */
final class MixerLoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(MixerLoadTest.class);
    private final MixerVerticle verticle;
    private final List<Mixer> current = new ArrayList<>();
    private List<String> feeding = List.of();
    private int mixerCount;
    private int streamsInMixer;
    private long timer = -1;
    private int generation;
    private boolean running;

    MixerLoadTest(MixerVerticle verticle) {
        this.verticle = verticle;
    }

    static JsonObject example() {
        return new JsonObject().put("feedingStreams", new JsonArray().add("stream1").add("stream2").add("stream3"))
                .put("mixerCount", 3).put("streamsInMixer", 1).put("intervalInSeconds", 60);
    }

    void start(Message<JsonObject> m) {
        JsonObject b = Body.of(m).json();
        if (running) {
            throw new ControlError(ApiStatus.CONFLICT, "A mixer load test is already running; stop it first");
        }
        List<String> names = new ArrayList<>();
        for (Object o : b.getJsonArray("feedingStreams")) {
            if (!(o instanceof String s) || s.isBlank()) {
                throw new ControlError(ApiStatus.BAD_REQUEST, "feedingStreams must be stream names, got " + o);
            }
            names.add(s);
        }
        int count = MixerRequests.integer(b, "mixerCount", 0);
        int per = MixerRequests.integer(b, "streamsInMixer", 0);
        int interval = MixerRequests.integer(b, "intervalInSeconds", 0);
        if (count < 1 || count > 64) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "mixerCount must be within 1..64, got " + count);
        }
        if (per < 1 || per > 16) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "streamsInMixer must be within 1..16, got " + per);
        }
        if (interval < 1 || interval > 86_400) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "intervalInSeconds must be within 1..86400, got " + interval);
        }
        if ((long) count * per > names.size()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "need " + (count * per) + " feeding streams ("
                    + count + " mixers x " + per + "), got " + names.size());
        }
        for (String n : names) {
            if (verticle.streams().find(n).isEmpty()) {
                throw new ControlError(ApiStatus.NOT_FOUND, "Stream not found: " + n);
            }
        }
        feeding = names;
        mixerCount = count;
        streamsInMixer = per;
        running = true;
        createGeneration();
        timer = verticle.vertxInstance().setPeriodic(interval * 1000L, id -> recycle());
        m.reply(null);
    }

    void stop(Message<JsonObject> m) {
        if (!running) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Mixer not found: no load test is running");
        }
        cancel();
        m.reply(null);
    }

    /** Stops the timer and every test mixer. */
    void cancel() {
        if (timer >= 0) {
            verticle.vertxInstance().cancelTimer(timer);
            timer = -1;
        }
        destroyGeneration();
        running = false;
    }

    private void recycle() {
        destroyGeneration();
        createGeneration();
    }

    private void destroyGeneration() {
        for (Mixer mixer : current) {
            verticle.terminate(mixer, "Load test recycle");
        }
        current.clear();
    }

    private void createGeneration() {
        generation++;
        for (int i = 0; i < mixerCount; i++) {
            String name = "test-" + generation + "-" + (i + 1);
            try {
                Mixer mixer = verticle.create(MixerRequests.SCHEME + name, name, true, true, false,
                        verticle.defaultSettings(), verticle.defaultBackground(), null, null);
                current.add(mixer);
                for (int k = 0; k < streamsInMixer; k++) {
                    String feed = feeding.get(i * streamsInMixer + k);
                    if (verticle.streams().find(feed).isPresent()) {
                        verticle.addInput(mixer, feed, true, true, false);
                    }
                }
            } catch (ControlError e) {
                LOG.warn("Load test mixer {} not created: {}", name, e.getMessage());
            }
        }
    }
}
