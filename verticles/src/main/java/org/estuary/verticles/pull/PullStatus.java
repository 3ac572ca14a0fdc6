package org.estuary.verticles.pull;

/** What {@code /pull/rtmp/find_all} reports as an agent's {@code status}. */
enum PullStatus {
    /** Created, connecting for the first time. */
    NEW,
    /** Remote media flows into the local stream. */
    PROCESSED_REMOTE,
    /** The connection dropped; a new one is scheduled with backoff. */
    RECONNECTING,
    /** The remote server refused the stream, or the local name was taken: no more attempts. */
    FAILED,
    /** Terminated by REST or shutdown. */
    STOPPED
}
