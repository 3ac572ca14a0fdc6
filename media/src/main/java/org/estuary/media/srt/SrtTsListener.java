package org.estuary.media.srt;

/** What an {@link SrtTsReceiver} reports; every method is called on the receiver's worker thread. */
public interface SrtTsListener {
    /** A caller connected (the first one is number 1, a reconnect counts up). */
    void connected(int connection);

    /** One SRT message of MPEG-TS bytes (normally 7 packets of 188 bytes); the array is the listener's to keep. */
    void data(byte[] bytes);

    /** The caller went away (or the connection broke); the receiver listens again unless closed. */
    void disconnected(int connection, String reason);
}
