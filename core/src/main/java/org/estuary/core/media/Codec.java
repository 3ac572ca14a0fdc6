package org.estuary.core.media;

/** Codecs the hub knows by name. Frames of any of them pass through unchanged. */
public enum Codec {
    H264(TrackType.VIDEO, "H264"),
    H265(TrackType.VIDEO, "H265"),
    AV1(TrackType.VIDEO, "AV1"),
    VP8(TrackType.VIDEO, "VP8"),
    VP9(TrackType.VIDEO, "VP9"),
    AAC(TrackType.AUDIO, "mpeg4-generic"),
    OPUS(TrackType.AUDIO, "opus"),
    MP3(TrackType.AUDIO, "MPA"),
    PCMA(TrackType.AUDIO, "PCMA"),
    PCMU(TrackType.AUDIO, "PCMU"),
    G722(TrackType.AUDIO, "G722"),
    /** AMF0 script data (onMetaData and friends). */
    AMF0(TrackType.DATA, "amf0");

    private final TrackType type;
    private final String apiName;

    Codec(TrackType type, String apiName) {
        this.type = type;
        this.apiName = apiName;
    }

    public TrackType type() {
        return type;
    }

    /** The name the reference REST API uses in {@code videoCodec}/{@code audioCodec}. */
    public String apiName() {
        return apiName;
    }
}
