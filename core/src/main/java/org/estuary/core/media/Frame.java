package org.estuary.core.media;

import java.util.Objects;

/**
 * One encoded access unit (never a decoded picture), immutable once built.
 *
 * <p>Payload conventions inside the hub, so every output knows what it gets:
 * <ul>
 *   <li>H.264 / H.265: length-prefixed NAL units (4-byte big-endian lengths, "AVCC" form);
 *       a {@link #isConfig() config} frame carries the AVCDecoderConfigurationRecord /
 *       HEVCDecoderConfigurationRecord.</li>
 *   <li>AAC: raw access units without ADTS; the config frame carries the AudioSpecificConfig.</li>
 *   <li>AV1, VP9, Opus: the payload as carried by Enhanced RTMP / MP4; config frames carry the
 *       codec configuration record.</li>
 *   <li>AMF0: the serialized script-data message (e.g. onMetaData).</li>
 * </ul>
 *
 * <p>Times are in microseconds on one clock per stream. The payload array is shared by every
 * reader and must never be modified after construction. {@link #memo} lets an output cache one
 * wire form per frame (e.g. RTMP chunks) so that N readers of the same kind convert it once.
 */
public final class Frame {
    private final Codec codec;
    private final long dtsUs;
    private final long ptsUs;
    private final boolean keyframe;
    private final boolean config;
    private final byte[] payload;

    private volatile Memo memo;

    private record Memo(Object key, Object value) { }

    private Frame(Codec codec, long dtsUs, long ptsUs, boolean keyframe, boolean config, byte[] payload) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.dtsUs = dtsUs;
        this.ptsUs = ptsUs;
        this.keyframe = keyframe;
        this.config = config;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** A media frame (not a configuration record). */
    public static Frame media(Codec codec, long dtsUs, long ptsUs, boolean keyframe, byte[] payload) {
        return new Frame(codec, dtsUs, ptsUs, keyframe, false, payload);
    }

    /** A codec configuration record (SPS/PPS record, AudioSpecificConfig, ...). */
    public static Frame config(Codec codec, long dtsUs, byte[] record) {
        return new Frame(codec, dtsUs, dtsUs, true, true, record);
    }

    public Codec codec() { return codec; }
    public TrackType type() { return codec.type(); }
    public boolean isVideo() { return codec.type() == TrackType.VIDEO; }
    public boolean isAudio() { return codec.type() == TrackType.AUDIO; }
    public boolean isData() { return codec.type() == TrackType.DATA; }
    public long dtsUs() { return dtsUs; }
    public long ptsUs() { return ptsUs; }
    /** Composition offset pts - dts, in microseconds. */
    public long ctsUs() { return ptsUs - dtsUs; }
    public boolean isKeyframe() { return keyframe; }
    public boolean isConfig() { return config; }
    /** Shared bytes: read only. */
    public byte[] payload() { return payload; }
    public int size() { return payload.length; }

    /**
     * Returns the cached wire form for {@code key}, computing it once. One slot per frame: outputs
     * that share a key (same protocol, same settings) share the result; a different key replaces it.
     * Races only cost a duplicate computation, never a wrong value.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, java.util.function.Function<Frame, T> compute) {
        Memo m = memo;
        if (m != null && m.key().equals(key)) {
            return (T) m.value();
        }
        T value = compute.apply(this);
        memo = new Memo(key, value);
        return value;
    }

    @Override
    public String toString() {
        return "Frame{" + codec + (config ? " config" : "") + (keyframe ? " key" : "")
                + " dts=" + dtsUs + " pts=" + ptsUs + " size=" + payload.length + '}';
    }
}
