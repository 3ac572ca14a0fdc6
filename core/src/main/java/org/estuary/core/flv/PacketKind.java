package org.estuary.core.flv;

/** What an audio/video tag body carries. */
public enum PacketKind {
    /** Decoder configuration (AVC/HEVC record, AudioSpecificConfig, ...). */
    SEQUENCE_HEADER,
    CODED_FRAMES,
    END_OF_SEQUENCE,
    /** Enhanced RTMP video metadata (e.g. HDR colour info), AMF encoded. */
    METADATA,
    /** Anything else: commands, multitrack, MPEG-2 TS sequence start, unknown packet types. */
    OTHER
}
