package org.estuary.verticles.mpegts;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.core.media.Frame;
import org.estuary.core.mpegts.TsDemuxer;
import org.estuary.core.mpegts.TsToFrames;
import org.estuary.core.net.AddressFilter;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MPEG-TS over UDP ingest: a datagram socket on a port from the media pool, a demuxer, and
 * the hub stream it publishes. Runs on its verticle's event loop (demuxing is cheap).
 */
final class MpegTsSession {
    private static final Logger LOG = LoggerFactory.getLogger(MpegTsSession.class);
    static final int MAX_PES_BYTES = 8 << 20;

    enum Status { CONNECTED, PROCESSED_LOCAL, STOPPED }

    private final String name;
    private final String transport;
    private final String uri;
    private final int port;
    private final Stream stream;
    private final DatagramSocket socket;
    private final AddressFilter allowed;
    private final List<String> allowedList;
    private final boolean hasAudio;
    private final boolean hasVideo;
    private final long timeoutMs;
    private final long maxTimestampDiffMs;
    private final TsDemuxer demuxer;
    private final long createdAt = System.currentTimeMillis();
    private Status status = Status.CONNECTED;
    private long lastDataAt = System.currentTimeMillis();
    private long packets;
    private long bytes;
    private long rejected;
    private String stopReason;

    MpegTsSession(String name, String transport, String uri, int port, Stream stream, DatagramSocket socket,
                  AddressFilter allowed, List<String> allowedList, boolean hasAudio, boolean hasVideo,
                  long timeoutMs, long maxTimestampDiffMs) {
        this.name = name;
        this.transport = transport;
        this.uri = uri;
        this.port = port;
        this.stream = stream;
        this.socket = socket;
        this.allowed = allowed;
        this.allowedList = allowedList;
        this.hasAudio = hasAudio;
        this.hasVideo = hasVideo;
        this.timeoutMs = timeoutMs;
        this.maxTimestampDiffMs = maxTimestampDiffMs;
        TsToFrames frames = new TsToFrames(this::publish, maxTimestampDiffMs * 1000, hasAudio, hasVideo);
        this.demuxer = new TsDemuxer(frames::accept, MAX_PES_BYTES);
    }

    String name() { return name; }
    String uri() { return uri; }
    int port() { return port; }
    Stream stream() { return stream; }
    Status status() { return status; }

    void start() {
        socket.handler(this::onPacket);
    }

    private void onPacket(DatagramPacket p) {
        if (status == Status.STOPPED) {
            return;
        }
        if (!allowed.allows(p.sender().hostAddress())) {
            if (rejected++ % 1000 == 0) {
                LOG.info("MPEG-TS {}: ignoring datagrams from {} (not in allowedList)", name, p.sender().hostAddress());
            }
            return;
        }
        Buffer b = p.data();
        lastDataAt = System.currentTimeMillis();
        packets++;
        bytes += b.length();
        byte[] data = b.getBytes();
        demuxer.feed(data, 0, data.length);
    }

    private void publish(Frame f) {
        if (status == Status.CONNECTED) {
            status = Status.PROCESSED_LOCAL;
            LOG.info("MPEG-TS {} ({}): media arriving on port {}", name, stream.mediaSessionId(), port);
        }
        if (f.isConfig()) {
            stream.describe(MediaDescriptions.apply(stream.description(), f));
        }
        stream.publish(f);
    }

    /** True when no data came for the timeout (since start or since the last datagram). */
    boolean timedOut(long now) {
        return timeoutMs > 0 && now - lastDataAt > timeoutMs;
    }

    void stop(String reason) {
        if (status == Status.STOPPED) {
            return;
        }
        status = Status.STOPPED;
        stopReason = reason;
        socket.close();
        stream.end(reason);
        LOG.info("MPEG-TS {} ({}) stopped: {} ({} datagrams, {} bytes, {} continuity errors)", name,
                stream.mediaSessionId(), reason, packets, bytes, demuxer.continuityErrors());
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("localStreamName", name)
                .put("localMediaSessionId", stream.mediaSessionId())
                .put("mediaSessionId", stream.mediaSessionId())
                .put("uri", uri)
                .put("transport", transport)
                .put("status", status.name())
                .put("info", stopReason)
                .put("hasAudio", hasAudio)
                .put("hasVideo", hasVideo)
                .put("timeout", timeoutMs)
                .put("maxTimestampDiff", maxTimestampDiffMs)
                .put("allowedList", new JsonArray(allowedList))
                .put("createdDate", createdAt)
                .put("stats", new JsonObject()
                        .put("datagrams", packets)
                        .put("bytes", bytes)
                        .put("rejectedDatagrams", rejected)
                        .put("continuityErrors", demuxer.continuityErrors())
                        .put("syncLosses", demuxer.syncLosses()));
    }
}
