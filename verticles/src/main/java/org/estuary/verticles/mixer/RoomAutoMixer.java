package org.estuary.verticles.mixer;

import io.vertx.core.Context;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamListener;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Name-driven mixing: publishing {@code user#room} adds the stream to mixer {@code mixer://room}
 * (output stream {@code room}), creating it; when the stream ends it leaves, and a room created
 * this way closes when its last stream has left. Registry callbacks come on publisher threads and
 * only hop onto the mixer verticle's context.
 */
final class RoomAutoMixer implements StreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(RoomAutoMixer.class);
    private final MixerVerticle verticle;
    private final Context context;

    RoomAutoMixer(MixerVerticle verticle, Context context) {
        this.verticle = verticle;
        this.context = context;
    }

    @Override
    public void published(Stream s) {
        if (RoomName.of(s.name()) != null) {
            context.runOnContext(v -> join(s.name()));
        }
    }

    @Override
    public void unpublished(Stream s, String reason) {
        if (RoomName.of(s.name()) != null) {
            context.runOnContext(v -> leave(s.name()));
        }
    }

    private void join(String streamName) {
        RoomName room = RoomName.of(streamName);
        if (verticle.streams().find(streamName).isEmpty()) {
            return;   // gone again before we got here
        }
        String uri = MixerRequests.SCHEME + room.room();
        try {
            Mixer mixer = verticle.mixers().get(uri);
            if (mixer == null) {
                // a room is a mixer like any other: limits.maxMixers counts it (the refusal is logged
                // below and counted in /metrics; the stream itself stays published, unmixed)
                verticle.checkMixerLimit();
                mixer = verticle.create(uri, room.room(), true, true, true, verticle.defaultSettings(),
                        verticle.defaultBackground(), null, null);
            }
            if (mixer.find(streamName) == null) {
                verticle.addInput(mixer, streamName, true, true, true);
            }
        } catch (ControlError e) {
            LOG.warn("Auto-mixing {} into {} failed: {}", streamName, uri, e.getMessage());
        }
    }

    private void leave(String streamName) {
        RoomName room = RoomName.of(streamName);
        Mixer mixer = verticle.mixers().get(MixerRequests.SCHEME + room.room());
        if (mixer == null) {
            return;
        }
        MixerInput in = mixer.find(streamName);
        if (in != null && in.automatic && verticle.streams().find(streamName).isEmpty()) {
            mixer.remove(in);
        }
        if (mixer.automatic && mixer.inputs().isEmpty()) {
            verticle.terminate(mixer, "Room " + room.room() + " is empty");
        }
    }
}
