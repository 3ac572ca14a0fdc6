package org.estuary.core.mp4;

/**
 * One track while recording: the sample held back until the next one gives its duration, the
 * samples waiting for the next fragment, and the full sample table for the final index.
 */
final class TrackState {
    final int id;
    final Mp4Track spec;

    /** Decode time (track ticks, on the recording's timeline) of the first sample; -1 before it. */
    long firstDecodeTime = -1;
    /** Sum of the durations of samples already moved to the table. */
    long decodedDuration;
    int lastDuration;

    // The held-back sample.
    byte[] pendingData;
    long pendingDts;
    int pendingCts;
    boolean pendingKey;

    // Samples of the fragment being built.
    final java.util.List<byte[]> fragData = new java.util.ArrayList<>();
    final IntList fragDurations = new IntList();
    final IntList fragCts = new IntList();
    final IntList fragKeys = new IntList();
    long fragStartDecodeTime = -1;

    // Full tables for the progressive index.
    final IntList durations = new IntList();
    final IntList sizes = new IntList();
    final IntList ctsOffsets = new IntList();
    final IntList syncSamples = new IntList(); // 1-based sample numbers
    final IntList chunkOffsets = new IntList();
    final IntList chunkSamples = new IntList();
    boolean anyCts;
    boolean anyNegativeCts;

    TrackState(int id, Mp4Track spec) {
        this.id = id;
        this.spec = spec;
    }

    int sampleCount() {
        return sizes.size();
    }

    /** Media duration in track ticks (samples already written). */
    long duration() {
        return decodedDuration;
    }

    void clearFragment() {
        fragData.clear();
        fragDurations.clear();
        fragCts.clear();
        fragKeys.clear();
        fragStartDecodeTime = -1;
    }

    int fragmentSampleCount() {
        return fragData.size();
    }
}
