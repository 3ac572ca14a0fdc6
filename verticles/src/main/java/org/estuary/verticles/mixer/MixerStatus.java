package org.estuary.verticles.mixer;

/** What {@code /mixer/find_all} reports as a mixer's {@code status}. */
enum MixerStatus {
    /** Mixing: inputs in, one stream out. */
    PROCESSED_LOCAL,
    /** Stopped by REST, by its output being terminated, or at shutdown. */
    TERMINATED,
    /** The worker hit an unrecoverable error and stopped. */
    FAILED
}
