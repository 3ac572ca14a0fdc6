package org.estuary.core.control;

/**
 * Event-bus addresses of the control plane, in one place.
 *
 * <p>Every REST method {@code /group/method} is served by whichever verticle consumes
 * {@link #api(String) api("/group/method")}. The REST verticle forwards the validated JSON body
 * there and turns the reply into the HTTP answer; when no verticle consumes the address the
 * method is not built yet and the REST answer is 501.
 */
public final class Addresses {
    private Addresses() { }

    /** Prefix of REST-method addresses. */
    public static final String API_PREFIX = "estuary.api";

    /** Stream lifecycle events (published, unpublished, failed) for outside subscribers. */
    public static final String STREAM_EVENTS = "estuary.events.stream";

    /** Recording lifecycle events (recordingFinished with the file name) for outside subscribers. */
    public static final String RECORDING_EVENTS = "estuary.events.recording";

    /** Connection lifecycle events (connected, disconnected). */
    public static final String CONNECTION_EVENTS = "estuary.events.connection";

    /** Data a WebSocket client sent with {@code sendData} (for a backend listening on the bus). */
    public static final String CLIENT_DATA = "estuary.events.client.data";

    /** Node-to-node ping used to check that a request crosses the cluster. */
    public static final String NODE_PING = "estuary.node.ping";

    /** Per-node metrics contribution: every feature verticle answers with Prometheus text lines. */
    public static final String METRICS = "estuary.metrics";

    /**
     * Local-only: the CDN transcoding profiles a player of a stream can get on this node, asked by the HLS output
     * for a stream's master playlist ({@code {"stream": name}} → a JSON array of {@code {stream, profileName,
     * profile}}). Served by the CDN in cluster mode; with no consumer (one node alone) the master lists the
     * stream alone.
     */
    public static final String CDN_RENDITIONS = "estuary.cdn.renditions";

    /**
     * Where a node asks the rest of the cluster about a REST request on {@code path} it found nothing for here
     * (e.g. {@code /stream/find} of a stream on another node). Served, local-only, by the CDN in cluster mode;
     * with no consumer (one node alone) the node answers from itself as before.
     */
    public static String elsewhere(String path) {
        return "estuary.elsewhere" + path;
    }

    /** Where node {@code nodeId} answers REST request {@code path} from itself alone, for other nodes. */
    public static String onNode(String nodeId, String path) {
        return "estuary.node." + nodeId + ".api" + path;
    }

    /** Header of a request another node forwarded: answer it from this node alone (never forward it again). */
    public static final String FORWARDED = "estuary-forwarded";

    /** The address that serves REST method {@code path}, e.g. {@code "/stream/find_all"}. */
    public static String api(String path) {
        return API_PREFIX + path;
    }
}
