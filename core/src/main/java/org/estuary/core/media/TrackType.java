package org.estuary.core.media;

/** The kind of track a frame belongs to. */
public enum TrackType {
    VIDEO, AUDIO, DATA
}
