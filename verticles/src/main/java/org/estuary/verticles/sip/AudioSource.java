package org.estuary.verticles.sip;

/**
 * What a call sends: 20 ms of 16 kHz mono PCM at a time, on the event loop (wideband whatever the
 * codec: G.722 and Opus use it as it is, G.711 halves it). Implementations
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
