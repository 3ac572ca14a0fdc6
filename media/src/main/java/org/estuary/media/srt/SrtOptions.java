package org.estuary.media.srt;

/**
 * How an SRT connection is made: who connects (Estuary listens for an encoder, or calls an SRT
 * listener such as another server or an encoder in listener mode), the receive latency, AES
 * encryption (passphrase and key length) and the stream id a caller announces (SRT Access Control).
 *
 * @param caller     true: connect to {@code host:port}; false: listen there for one caller at a time
 * @param latencyMs  receive latency (retransmission buffer), 0..60000
 * @param passphrase AES passphrase (10..79 characters), null for no encryption
 * @param keyLength  AES key length in bytes: 16, 24 or 32 (0: libsrt's default, 16); needs a passphrase
 * @param streamId   the stream id sent when calling (up to 512 characters), null for none
 */
public record SrtOptions(boolean caller, int latencyMs, String passphrase, int keyLength, String streamId) {
    public SrtOptions {
        if (latencyMs < 0 || latencyMs > 60_000) {
            throw new IllegalArgumentException("latency must be 0..60000 ms, got " + latencyMs);
        }
        if (passphrase != null && (passphrase.length() < 10 || passphrase.length() > 79)) {
            throw new IllegalArgumentException("passphrase must be 10..79 characters (SRT), got " + passphrase.length());
        }
        if (keyLength != 0 && keyLength != 16 && keyLength != 24 && keyLength != 32) {
            throw new IllegalArgumentException("key length must be 16, 24 or 32 bytes, got " + keyLength);
        }
        if (keyLength != 0 && passphrase == null) {
            throw new IllegalArgumentException("a key length needs a passphrase");
        }
        if (streamId != null && (streamId.length() > 512 || streamId.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("streamid must be up to 512 characters without control characters");
        }
        if (streamId != null && !caller) {
            // FFmpeg's listener neither filters on nor reports the caller's stream id
            throw new IllegalArgumentException("streamid is sent by a caller: it needs mode \"caller\"");
        }
    }

    /** A plain listener with the given latency. */
    public static SrtOptions listener(int latencyMs) {
        return new SrtOptions(false, latencyMs, null, 0, null);
    }
}
