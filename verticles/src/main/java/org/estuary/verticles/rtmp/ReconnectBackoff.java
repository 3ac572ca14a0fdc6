package org.estuary.verticles.rtmp;

/**
 * Delays between reconnect attempts: 1 s doubling to 30 s, back to 1 s once a connection worked.
 * Keeps a far end that is down from being hammered while recovering quickly from a single drop.
 */
public final class ReconnectBackoff {
    static final long FIRST_MS = 1_000;
    static final long MAX_MS = 30_000;
    private long next = FIRST_MS;
    private int attempts;

    /** The delay before the next attempt; each call doubles the following one. */
    public long nextDelayMs() {
        long d = next;
        next = Math.min(MAX_MS, next * 2);
        attempts++;
        return d;
    }

    /** A connection got going: the next drop retries quickly again. */
    public void reset() {
        next = FIRST_MS;
        attempts = 0;
    }

    /** Attempts since the last success. */
    public int attempts() {
        return attempts;
    }
}
