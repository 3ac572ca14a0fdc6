package org.estuary.verticles.push;

/** Where a transponder is; REST shows the name. */
enum TransponderStatus {
    /** Connecting to the target, or waiting for the local stream to be published (again). */
    PENDING,
    /** Publishing to the target. */
    PUBLISHING,
    /** The target dropped the connection; retrying with backoff. */
    RECONNECTING,
    /** The target refused the stream; see the reason. Not retried. */
    FAILED,
    /** Terminated by REST. */
    STOPPED
}
