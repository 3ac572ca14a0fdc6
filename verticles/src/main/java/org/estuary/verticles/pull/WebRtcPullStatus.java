package org.estuary.verticles.pull;

/** What {@code /pull/find_all} reports as a WebRTC agent's {@code status}. */
enum WebRtcPullStatus {
    /** Created, not connected yet. */
    NEW,
    /** Connecting to the far end's WebSocket API, negotiating, or waiting to reconnect (see info). */
    PENDING,
    /** /pull/pull: the far end's media flows into the local stream. */
    PLAYING,
    /** /pull/push: the local stream flows to the far end. */
    PUBLISHING,
    /** Given up (the local name is taken, or the far end keeps dropping the stream); info says why. */
    FAILED
}
