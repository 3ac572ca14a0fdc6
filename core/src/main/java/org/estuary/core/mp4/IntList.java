package org.estuary.core.mp4;

import java.util.Arrays;

/** A growable list of primitive longs (sample tables get long: an hour of video is ~100k entries). */
final class IntList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = v;
    }

    long get(int i) { return a[i]; }
    void clear() { n = 0; }
    int size() { return n; }
}
