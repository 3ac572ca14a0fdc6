package org.estuary.core.flv;

/** What a legacy FLV audio header needs to know beyond the frame itself. */
public record AudioParams(int sampleRate, int channels) {
}
