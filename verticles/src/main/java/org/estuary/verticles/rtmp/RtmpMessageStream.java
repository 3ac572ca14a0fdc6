package org.estuary.verticles.rtmp;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpControl;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.StatusCode;
import org.estuary.core.rtmp.StreamNameParser;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.verticles.agent.AgentThreads;
import org.estuary.verticles.rtmpclient.RtmpToFrames;
import org.estuary.verticles.rtmpclient.StreamToRtmp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP message stream (created by {@code createStream}): idle, publishing into the hub, or
 * playing from it. Lives on its connection's event loop.
 */
final class RtmpMessageStream {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpMessageStream.class);
    /** Frames written per gathered write: bounds the latency one drain pass adds. */
    private static final int MAX_FRAMES_PER_WRITE = 64;

    enum Mode { IDLE, PUBLISHING, WAITING, PLAYING, DONE }

    private final RtmpConnection conn;
    private final int streamId;
    private Mode mode = Mode.IDLE;

    // publishing
    private Stream published;
    private RtmpToFrames ingest;

    // playing
    private StreamFollower follower;
    private long waitTimer = -1;
    private boolean draining;
    private String playName;
    private Map<String, String> playParams = Map.of();
    /** Reused per drain pass: the fan-out path allocates nothing per frame and player. */
    private final List<ByteBuf> batch = new ArrayList<>(MAX_FRAMES_PER_WRITE);
    private final Runnable drainTask = this::drain;
    private final Batcher batcher = new Batcher();

    RtmpMessageStream(RtmpConnection conn, int streamId) {
        this.conn = conn;
        this.streamId = streamId;
    }

    boolean isActive() {
        return mode == Mode.PUBLISHING || mode == Mode.PLAYING || mode == Mode.WAITING;
    }

    void onCommand(RtmpCommand cmd) {
        switch (cmd.name()) {
            case "publish" -> publish(cmd);
            case "play", "play2" -> play(cmd);
            default -> { } // pause/seek/receiveAudio/receiveVideo: live streams ignore them
        }
    }

    // ---------------------------------------------------------------- publish

    private void publish(RtmpCommand cmd) {
        if (mode != Mode.IDLE) {
            status("error", StatusCode.PUBLISH_BAD_NAME, "Stream is already in use on this connection");
            return;
        }
        StreamNameParser.StreamName sn;
        try {
            sn = StreamNameParser.parse(cmd.stringArg(0));
        } catch (RuntimeException e) {
            status("error", StatusCode.PUBLISH_BAD_NAME, "Bad stream name: " + e.getMessage());
            return;
        }
        conn.admit(request(AdmissionRequest.Action.PUBLISH, sn), d -> {
            if (!d.allowed()) {
                status("error", StatusCode.PUBLISH_BAD_NAME, "Publishing refused: " + d.reason());
                conn.close("publish refused: " + d.reason());
            } else if (mode == Mode.IDLE) {
                startPublishing(d.streamName(), withFields(sn.params(), d.fields()));
            }
        });
    }

    private AdmissionRequest request(AdmissionRequest.Action action, StreamNameParser.StreamName sn) {
        Map<String, String> params = new HashMap<>(conn.connectParams());
        params.putAll(sn.params());
        return new AdmissionRequest(action, "RTMP", conn.appKey(), sn.name(), conn.clientAddress(), params);
    }

    private static Map<String, String> withFields(Map<String, String> params, Map<String, String> fields) {
        if (fields.isEmpty()) {
            return params;
        }
        Map<String, String> all = new LinkedHashMap<>(params);
        all.putAll(fields);
        return all;
    }

    private void startPublishing(String name, Map<String, String> params) {
        StreamNameParser.StreamName sn = new StreamNameParser.StreamName(name, params);
        try {
            published = conn.streams().publish(sn.name(),
                    new PublisherInfo(conn.sessionId(), conn.appKey(), "Flash", sn.params()),
                    conn.settings().publishIdleTimeoutMs());
        } catch (NameInUseException e) {
            LOG.info("RTMP {} publish refused: {}", conn.sessionId(), e.getMessage());
            status("error", StatusCode.PUBLISH_BAD_NAME, "Stream name is already in use: " + sn.name());
            return;
        }
        mode = Mode.PUBLISHING;
        ingest = new RtmpToFrames(published);
        ReceiveLowWater.set(conn.socket(), ReceiveLowWater.PUBLISHER_BYTES);
        var ctx = conn.context();
        published.onTerminate(() -> ctx.runOnContext(v -> conn.close("Stopped by rest /terminate")));
        LOG.info("RTMP {} publishing name={} mediaSessionId={}", conn.sessionId(), sn.name(), published.mediaSessionId());
        conn.send(RtmpControl.streamBegin(streamId));
        status("status", StatusCode.PUBLISH_START, sn.name() + " is now published.");
    }

    void onMedia(RtmpMessage m) {
        if (mode == Mode.PUBLISHING) {
            ingest.accept(m);
        }
    }

    void unpublishIfNamed(String name) {
        if (mode == Mode.PUBLISHING && name != null && published.name().equals(StreamNameParser.parse(name).name())) {
            close("Unpublished", false);
        }
    }

    // ---------------------------------------------------------------- play

    private void play(RtmpCommand cmd) {
        if (mode != Mode.IDLE) {
            return;
        }
        StreamNameParser.StreamName sn;
        try {
            sn = StreamNameParser.parse(cmd.stringArg(0));
        } catch (RuntimeException e) {
            status("error", StatusCode.PLAY_STREAM_NOT_FOUND, "Bad stream name: " + e.getMessage());
            return;
        }
        AdmissionRequest request = request(AdmissionRequest.Action.PLAY, sn);
        conn.admit(request, d -> {
            if (!d.allowed()) {
                status("error", StatusCode.PLAY_FAILED, "Playing refused: " + d.reason());
                conn.close("play refused: " + d.reason());
            } else if (mode == Mode.IDLE) {
                playParams = request.params(); // kept on the reader: access lists re-check players when they change
                startWaiting(d.streamName());
            }
        });
    }

    private void startWaiting(String name) {
        playName = name;
        mode = Mode.WAITING;
        var ctx = conn.context();
        follower = StreamFollower.of(conn.streams(), playName)
                .owner(AgentThreads.on(ctx))
                .reader(s -> new ReaderInfo(UUID.randomUUID().toString(), conn.sessionId(), conn.appKey(), "Flash", true))
                .onPublished(this::startPlaying)
                .onUnpublished((s, reason) -> endOfStream(reason))
                .once()
                .wake(() -> conn.drains().request(drainTask))
                .build();
        follower.start();
        if (mode == Mode.WAITING) {
            waitTimer = ctx.owner().setTimer(Math.max(1, conn.settings().playWaitTimeoutMs()), id -> {
                waitTimer = -1;
                if (mode == Mode.WAITING) {
                    follower.stop();
                    mode = Mode.IDLE;
                    LOG.info("RTMP {} play {}: not published within {} ms", conn.sessionId(), playName,
                            conn.settings().playWaitTimeoutMs());
                    status("error", StatusCode.PLAY_STREAM_NOT_FOUND, "Stream not found: " + playName);
                }
            });
        }
    }

    private void startPlaying(StreamReader reader) {
        if (mode != Mode.WAITING) {
            return;
        }
        if (waitTimer >= 0) {
            conn.context().owner().cancelTimer(waitTimer);
            waitTimer = -1;
        }
        Stream s = reader.stream();
        mode = Mode.PLAYING;
        conn.send(RtmpControl.streamIsRecorded(streamId));
        conn.send(RtmpControl.streamBegin(streamId));
        status("status", StatusCode.PLAY_RESET, "Playing and resetting " + s.name() + ".");
        status("status", StatusCode.PLAY_START, "Started playing " + s.name() + ".");
        conn.send(RtmpCommand.dataMessage(5, streamId, 0, RtmpCommand.sampleAccess()));
        var ctx = conn.context();
        reader.params(playParams);
        reader.onTerminate(() -> ctx.runOnContext(v -> conn.close("Stopped by rest /terminate")));
        LOG.info("RTMP {} playing name={} mediaSessionId={} (publisher {})", conn.sessionId(), s.name(),
                reader.info().mediaSessionId(), s.mediaSessionId());
        conn.socket().drainHandler(v -> drain());
        drain();
    }

    /** One drain pass's worth of frames, turned into shared wire buffers. */
    private final class Batcher implements FrameSink {
        private int chunkSize;

        @Override
        public boolean wants() {
            return batch.size() < MAX_FRAMES_PER_WRITE;
        }

        @Override
        public void frame(Frame f, Stream source) {
            ByteBuf wire = StreamToRtmp.wire(f, chunkSize, streamId, source.description());
            if (wire != null) {
                batch.add(wire);
            }
        }
    }

    /** Moves queued frames to the socket, one gathered write per pass, until the socket is full. */
    private void drain() {
        if (mode != Mode.PLAYING || draining) {
            return;
        }
        draining = true;
        try {
            batcher.chunkSize = conn.outChunkSize();
            while (conn.canWriteMedia()) {
                batch.clear();
                follower.drain(batcher);
                if (batch.isEmpty()) {
                    break;
                }
                conn.writeShared(batch);
                conn.metrics().framesOut(batch.size());
            }
            batch.clear();
            StreamReader r = follower.reader();
            if (r != null && r.isEnded()) {
                follower.drain(batcher);   // nothing left to write: lets the follower report the end
            }
        } finally {
            draining = false;
        }
    }

    /** Called by the connection's periodic check: drains a player that has frames waiting. */
    void resumeIfStalled() {
        if (mode == Mode.PLAYING && follower.hasWork()) {
            drain();
        }
    }

    private void endOfStream(String reason) {
        if (mode != Mode.PLAYING) {
            return;
        }
        mode = Mode.DONE;
        LOG.info("RTMP {} play of {} ended: {}", conn.sessionId(), playName, reason);
        conn.send(RtmpControl.streamEof(streamId));
        status("status", StatusCode.PLAY_UNPUBLISH_NOTIFY, playName + " is now unpublished.");
        status("status", StatusCode.PLAY_STOP, "Stopped playing " + playName + ".");
    }

    // ---------------------------------------------------------------- common

    private void status(String level, String code, String description) {
        conn.send(RtmpCommand.onStatus(level, code, description).toMessage(5, streamId));
    }

    void close(String reason, boolean failed) {
        switch (mode) {
            case PUBLISHING -> {
                if (failed) {
                    published.fail(reason);
                } else {
                    published.end(reason);
                }
                if (conn.socket() != null) {
                    status("status", StatusCode.UNPUBLISH_SUCCESS, published.name() + " is now unpublished.");
                }
            }
            case WAITING -> {
                follower.stop();
                if (waitTimer >= 0) {
                    conn.context().owner().cancelTimer(waitTimer);
                }
            }
            case PLAYING -> follower.stop();
            default -> { }
        }
        mode = Mode.DONE;
    }

    int streamId() {
        return streamId;
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> none() {
        return Map.of();
    }
}
