package org.estuary.verticles.sip;

/**
 * What a call sends: 20 ms of 8 kHz mono PCM at a time, on the event loop. Implementations
 * only copy prepared samples (decoding and resampling happen on the media pool beforehand).
 */
interface AudioSource {
    /** Fills {@code out}; false when there is nothing to send now (the call then sends silence). */
    boolean fill(short[] out);

    /** Whether the source is used up and can be dropped. */
    default boolean finished() {
        return false;
    }

    /** Gives back what the source holds (stream readers); event loop. */
    default void close() { }
}
