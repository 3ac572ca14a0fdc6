package org.estuary.verticles.rtsp;

/** Why a session ended; decides whether the agent retries. */
enum RtspFailure {
    /** Connection lost, timeouts, server errors: retry with backoff. */
    TRANSIENT(true),
    /** The TCP connection could not be made. */
    CONNECT(true),
    /** 404 from the server: retrying will not help. */
    NOT_FOUND(false),
    /** 401/403 with or without our credentials. */
    UNAUTHORIZED(false),
    /** The server offers nothing we can ingest (no supported track, bad SDP, unsupported transport). */
    UNSUPPORTED(false),
    /** 3xx with a Location: connect there instead. */
    REDIRECT(true),
    /** We stopped it (terminate, shutdown). */
    STOPPED(false);

    final boolean retry;

    RtspFailure(boolean retry) {
        this.retry = retry;
    }
}
