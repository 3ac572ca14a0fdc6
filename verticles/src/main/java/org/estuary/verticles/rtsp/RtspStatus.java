package org.estuary.verticles.rtsp;

/** What {@code /rtsp/find} reports as an agent's {@code status}. */
enum RtspStatus {
    /** The first session is being set up. */
    CONNECTING,
    /** The camera plays into the local stream. */
    PLAYING,
    /** The session ended; a new one is scheduled with backoff. */
    RECONNECTING,
    /** Retrying cannot help (404, 401, nothing ingestible, connection refused three times): no more attempts. */
    FAILED,
    /** Terminated by REST, idle on-demand, or shutdown. */
    STOPPED
}
