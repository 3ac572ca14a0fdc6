package org.estuary.core.rtsp;

/** Where depacketisers deliver whole access units (hub payload conventions) and codec configuration. */
public interface AccessUnitSink {
    /** @param payload AVCC NAL units for video, a raw access unit for audio */
    void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe);

    /** A (new) configuration record: AVC/HEVC decoder configuration or AudioSpecificConfig. */
    void config(byte[] record);
}
