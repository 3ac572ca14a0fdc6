package org.estuary.verticles.mpegts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.core.media.Frame;
import org.estuary.core.mpegts.TsDemuxer;
import org.estuary.core.mpegts.TsToFrames;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MPEG-TS ingest: its ingress (UDP socket or SRT listener on a port from the media pool, each
 * read on its own thread), a demuxer, and the hub stream it publishes. Every method here runs on
 * the verticle's event loop (demuxing is cheap), which makes that loop the stream's only publisher thread.
 */
final class MpegTsSession {
    private static final Logger LOG = LoggerFactory.getLogger(MpegTsSession.class);
    static final int MAX_PES_BYTES = 8 << 20;
    /** Gap placed between the last frame of one SRT connection and the first of the next. */
    private static final long RECONNECT_STEP_US = 40_000;

    enum Status { CONNECTED, PROCESSED_LOCAL, STOPPED }

    private final String name;
    private final String transport;
    private final String uri;
    private final int port;
    private final Stream stream;
    private final MpegTsIngress ingress;
    private final List<String> allowedList;
    private final boolean hasAudio;
    private final boolean hasVideo;
    private final long timeoutMs;
    private final long maxTimestampDiffMs;
    private final long createdAt = System.currentTimeMillis();
    private TsDemuxer demuxer;
    private Status status = Status.CONNECTED;
    private long lastDataAt = System.currentTimeMillis();
    private long packets;
    private long bytes;
    private long continuityErrorsBefore;
    private long syncLossesBefore;
    private int connections;
    /** Added to the timestamps of the current connection so a reconnecting encoder continues the timeline. */
    private long timelineBaseUs;
    private long lastDtsUs = -1;
    private String stopReason;

    MpegTsSession(String name, String transport, String uri, int port, Stream stream, MpegTsIngress ingress,
                  List<String> allowedList, boolean hasAudio, boolean hasVideo, long timeoutMs, long maxTimestampDiffMs) {
        this.name = name;
        this.transport = transport;
        this.uri = uri;
        this.port = port;
        this.stream = stream;
        this.ingress = ingress;
        this.allowedList = allowedList;
        this.hasAudio = hasAudio;
        this.hasVideo = hasVideo;
        this.timeoutMs = timeoutMs;
        this.maxTimestampDiffMs = maxTimestampDiffMs;
        this.demuxer = newDemuxer();
    }

    private TsDemuxer newDemuxer() {
        TsToFrames frames = new TsToFrames(this::publish, maxTimestampDiffMs * 1000, hasAudio, hasVideo);
        return new TsDemuxer(frames::accept, MAX_PES_BYTES);
    }

    String name() { return name; }
    String uri() { return uri; }
    int port() { return port; }
    Stream stream() { return stream; }
    Status status() { return status; }

    void start() {
        ingress.start(this);
    }

    /** TS bytes from the ingress (one datagram or one SRT message). */
    void received(byte[] data) {
        if (status == Status.STOPPED) {
            return;
        }
        lastDataAt = System.currentTimeMillis();
        packets++;
        bytes += data.length;
        demuxer.feed(data, 0, data.length);
    }

    /**
     * An SRT caller connected. A reconnecting encoder restarts its continuity counters and clock:
     * a fresh demuxer avoids counting that as loss, and the new clock is placed just after the last
     * frame published so players see one continuous stream.
     */
    void callerConnected(int connection) {
        if (status == Status.STOPPED) {
            return;
        }
        connections = connection;
        if (connection > 1) {
            continuityErrorsBefore += demuxer.continuityErrors();
            syncLossesBefore += demuxer.syncLosses();
            demuxer = newDemuxer();
            timelineBaseUs = lastDtsUs < 0 ? 0 : lastDtsUs + RECONNECT_STEP_US;
        }
        LOG.info("MPEG-TS {} ({}): SRT caller connected to port {} (connection {})", name, stream.mediaSessionId(), port, connection);
    }

    void callerDisconnected(int connection, String reason) {
        if (status != Status.STOPPED) {
            demuxer.flush();
            LOG.info("MPEG-TS {} ({}): SRT connection {} ended ({}); listening again until the timeout",
                    name, stream.mediaSessionId(), connection, reason);
        }
    }

    private void publish(Frame f) {
        if (status == Status.STOPPED) {
            return;
        }
        if (status == Status.CONNECTED) {
            status = Status.PROCESSED_LOCAL;
            LOG.info("MPEG-TS {} ({}): media arriving on port {}", name, stream.mediaSessionId(), port);
        }
        Frame out = timelineBaseUs == 0 ? f : shifted(f, timelineBaseUs);
        lastDtsUs = Math.max(lastDtsUs, out.dtsUs());
        if (out.isConfig()) {
            stream.describe(MediaDescriptions.apply(stream.description(), out));
        }
        stream.publish(out);
    }

    private static Frame shifted(Frame f, long byUs) {
        return f.isConfig() ? Frame.config(f.codec(), f.dtsUs() + byUs, f.payload())
                : Frame.media(f.codec(), f.dtsUs() + byUs, f.ptsUs() + byUs, f.isKeyframe(), f.payload());
    }

    /** True when no data came for the timeout (since start or since the last datagram). */
    boolean timedOut(long now) {
        return timeoutMs > 0 && now - lastDataAt > timeoutMs;
    }

    /** Ends the stream at once; the future completes when the port is free. */
    Future<Void> stop(String reason) {
        if (status == Status.STOPPED) {
            return Future.succeededFuture();
        }
        status = Status.STOPPED;
        stopReason = reason;
        stream.end(reason);
        LOG.info("MPEG-TS {} ({}) stopped: {} ({} {}, {} bytes, {} continuity errors)", name,
                stream.mediaSessionId(), reason, packets, transport.equals("srt") ? "SRT messages" : "datagrams",
                bytes, continuityErrors());
        return ingress.close();
    }

    private long continuityErrors() {
        return continuityErrorsBefore + demuxer.continuityErrors();
    }

    JsonObject toJson() {
        JsonObject stats = new JsonObject()
                .put("datagrams", packets)
                .put("bytes", bytes)
                .put("rejectedDatagrams", ingress.rejected())
                .put("droppedBlocks", ingress.droppedBlocks())
                .put("continuityErrors", continuityErrors())
                .put("syncLosses", syncLossesBefore + demuxer.syncLosses());
        if (ingress instanceof SrtIngress srt) {
            stats.put("connections", connections)
                    .put("callerConnected", srt.callerConnected());
        }
        JsonObject srtFields = null;
        if (ingress instanceof SrtIngress srt) {
            // the passphrase itself is never echoed
            srtFields = new JsonObject().put("mode", srt.options().caller() ? "caller" : "listener")
                    .put("latency", srt.options().latencyMs())
                    .put("encrypted", srt.options().passphrase() != null)
                    .put("pbkeylen", srt.options().keyLength())
                    .put("streamid", srt.options().streamId());
        }
        JsonObject out = new JsonObject()
                .put("localStreamName", name)
                .put("localMediaSessionId", stream.mediaSessionId())
                .put("mediaSessionId", stream.mediaSessionId())
                .put("uri", uri)
                .put("transport", transport.toUpperCase(java.util.Locale.ROOT)) // WCS: "UDP" / "SRT"
                .put("status", status.name())
                .put("info", stopReason)
                .put("hasAudio", hasAudio)
                // as WCS: video is reported once it arrived, not because it was expected
                .put("hasVideo", hasVideo && stream.videoFrames() > 0)
                .put("timeout", timeoutMs)
                .put("maxTimestampDiff", maxTimestampDiffMs)
                .put("allowedList", new JsonArray(allowedList))
                .put("createdDate", createdAt)
                .put("stats", stats);
        if (srtFields != null) {
            out.put("srt", srtFields);
        }
        return out;
    }
}
