package org.estuary.verticles.agent;

/**
 * Reconnect policy of the RTMP client owners: delays of 1 s doubling to 30 s, back to 1 s once a
 * connection stayed up; and refusal detection for servers that accept the stream and then drop
 * the connection at once (nginx-rtmp's "deny publish"/"deny play" do this): after
 * {@link #MAX_QUICK_DROPS} such drops in a row, retrying is pointless.
 */
public final class ReconnectBackoff {
    static final long FIRST_MS = 1_000;
    static final long MAX_MS = 30_000;
    /** A started stream that dies sooner than this counts as a quick drop. */
    static final long QUICK_DROP_MS = 3_000;
    public static final int MAX_QUICK_DROPS = 3;

    private long next = FIRST_MS;
    private long startedAt;
    private int quickDrops;

    /** The stream started (Publish.Start / Play.Start). */
    public void started() {
        startedAt = System.currentTimeMillis();
    }

    /**
     * The connection is gone. Returns true when the far end keeps dropping the stream right after
     * starting it, i.e. it refuses it.
     */
    public boolean closedAndRefused() {
        if (startedAt > 0) {
            if (System.currentTimeMillis() - startedAt < QUICK_DROP_MS) {
                quickDrops++;
            } else {
                quickDrops = 0;
                next = FIRST_MS;
            }
            startedAt = 0;
        }
        return quickDrops >= MAX_QUICK_DROPS;
    }

    /** The delay before the next attempt; each call doubles the following one. */
    public long nextDelayMs() {
        long d = next;
        next = Math.min(MAX_MS, next * 2);
        return d;
    }
}
