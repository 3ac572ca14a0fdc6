package org.estuary.media.pipeline;

/** Counters of one pipeline node: inputs taken, outputs emitted, inputs dropped on purpose. */
public record NodeStats(String name, long framesIn, long framesOut, long dropped) { }
