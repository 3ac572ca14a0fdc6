package org.estuary.core.stream;

/**
 * Bytes per one-second bucket over a short window, written by one thread and read by any.
 * Good enough for REST stats and metrics; not a precise meter.
 */
final class BitrateMeter {
    private static final int BUCKETS = 4;
    private final long[] bucketSecond = new long[BUCKETS];
    private final long[] bucketBytes = new long[BUCKETS];
    private volatile long lastTotal;

    void add(long nowMillis, int bytes) {
        long sec = nowMillis / 1000;
        int i = (int) (sec % BUCKETS);
        if (bucketSecond[i] != sec) {
            bucketSecond[i] = sec;
            bucketBytes[i] = 0;
        }
        bucketBytes[i] += bytes;
        lastTotal = bytes; // volatile write publishes the bucket updates
    }

    /** Average over the last complete seconds (excluding the current one). */
    long bitsPerSecond(long nowMillis) {
        long unused = lastTotal; // volatile read pairs with the write in add()
        long sec = nowMillis / 1000;
        long sum = 0;
        int n = 0;
        for (int back = 1; back < BUCKETS; back++) {
            long s = sec - back;
            int i = (int) (Math.floorMod(s, BUCKETS));
            if (bucketSecond[i] == s) {
                sum += bucketBytes[i];
            }
            n++;
        }
        return n == 0 ? 0 : sum * 8 / n;
    }
}
