package org.estuary.verticles.rtmpclient;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.estuary.core.amf.Amf0;
import org.estuary.core.amf.AmfException;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.flv.FlvAudio;
import org.estuary.core.flv.FlvException;
import org.estuary.core.flv.FlvVideo;
import org.estuary.core.flv.PacketKind;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a publisher's RTMP media messages (FLV tag bodies, script data, aggregates) into hub
 * frames, and keeps the stream's {@link MediaDescription} up to date. Malformed tags are dropped
 * and counted, never fatal.
 */
public final class RtmpToFrames {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpToFrames.class);

    private final Stream stream;
    private long malformed;

    public RtmpToFrames(Stream stream) {
        this.stream = stream;
    }

    long malformed() {
        return malformed;
    }

    public void accept(RtmpMessage m) {
        try {
            switch (m.typeId()) {
                case MessageType.VIDEO -> video(m.timestamp(), m.payload());
                case MessageType.AUDIO -> audio(m.timestamp(), m.payload());
                case MessageType.DATA_AMF0 -> data(m.timestamp(), m.payload());
                case MessageType.DATA_AMF3 -> {
                    if (m.payload().length > 1) {
                        data(m.timestamp(), Arrays.copyOfRange(m.payload(), 1, m.payload().length));
                    }
                }
                case MessageType.AGGREGATE -> aggregate(m);
                default -> { }
            }
        } catch (FlvException | AmfException | CodecConfigException e) {
            if (malformed++ % 100 == 0) {
                LOG.info("Stream {}: dropping malformed RTMP media ({} so far): {}", stream.name(), malformed, e.getMessage());
            }
        }
    }

    private void video(long tsMs, byte[] p) throws FlvException, CodecConfigException {
        FlvVideo.VideoTag tag = FlvVideo.parse(p);
        if (tag.codec() == null) {
            return;
        }
        byte[] data = Arrays.copyOfRange(p, tag.dataOffset(), tag.dataOffset() + tag.dataLength());
        long dts = tsMs * 1000;
        if (tag.packetKind() == PacketKind.SEQUENCE_HEADER) {
            stream.publish(Frame.config(tag.codec(), dts, data));
            describeVideo(tag.codec(), data);
        } else if (tag.packetKind() == PacketKind.CODED_FRAMES && data.length > 0) {
            if (!stream.description().hasVideo()) {
                stream.describe(stream.description().withVideo(tag.codec(), 0, 0, 0));
            }
            stream.publish(Frame.media(tag.codec(), dts, dts + tag.compositionTimeMs() * 1000L, tag.isKeyframe(), data));
        }
    }

    private void describeVideo(Codec codec, byte[] record) throws CodecConfigException {
        MediaDescription d = stream.description();
        int w = d.width();
        int h = d.height();
        double fps = d.fps();
        if (codec == Codec.H264) {
            H264Sps sps = AvcConfig.parse(record).firstSps();
            w = sps.width();
            h = sps.height();
            if (sps.frameRate() > 0) {
                fps = sps.frameRate();
            }
        }
        stream.describe(d.withVideo(codec, w, h, fps));
        LOG.info("Stream {} ({}): video {} {}x{}", stream.name(), stream.mediaSessionId(), codec, w, h);
    }

    private void audio(long tsMs, byte[] p) throws FlvException, CodecConfigException {
        FlvAudio.AudioTag tag = FlvAudio.parse(p);
        if (tag.codec() == null) {
            return;
        }
        byte[] data = Arrays.copyOfRange(p, tag.dataOffset(), tag.dataOffset() + tag.dataLength());
        long dts = tsMs * 1000;
        if (tag.packetKind() == PacketKind.SEQUENCE_HEADER) {
            stream.publish(Frame.config(tag.codec(), dts, data));
            if (tag.codec() == Codec.AAC) {
                AacConfig asc = AacConfig.parse(data);
                stream.describe(stream.description().withAudio(Codec.AAC, asc.sampleRate(), asc.channels()));
                LOG.info("Stream {} ({}): audio AAC {} Hz {} ch", stream.name(), stream.mediaSessionId(),
                        asc.sampleRate(), asc.channels());
            }
        } else if (tag.packetKind() == PacketKind.CODED_FRAMES && data.length > 0) {
            if (!stream.description().hasAudio()) {
                stream.describe(stream.description().withAudio(tag.codec(), tag.legacySampleRate(), tag.stereo() ? 2 : 1));
            }
            stream.publish(Frame.media(tag.codec(), dts, dts, true, data));
        }
    }

    private void data(long tsMs, byte[] p) throws AmfException {
        List<Object> values = Amf0.decodeAll(p);
        if (values.isEmpty() || !(values.get(0) instanceof String)) {
            return;
        }
        int first = "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() <= first || !(values.get(first) instanceof String name)) {
            return;
        }
        if ("onMetaData".equals(name)) {
            Map<?, ?> meta = values.size() > first + 1 && values.get(first + 1) instanceof Map<?, ?> mm ? mm : Map.of();
            double fps = number(meta.get("framerate"));
            if (fps > 0 && stream.description().fps() == 0) {
                stream.describe(stream.description().withFps(fps));
            }
            // Players expect plain onMetaData (no @setDataFrame wrapper).
            stream.publish(Frame.config(Codec.AMF0, tsMs * 1000, Amf0.encode("onMetaData", meta)));
        } else {
            byte[] body = first == 0 ? p : Amf0.encode(values.subList(first, values.size()).toArray());
            stream.publish(Frame.media(Codec.AMF0, tsMs * 1000, tsMs * 1000, false, body));
        }
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    /** Aggregate messages carry FLV tags back to back; their timestamps are relative to the first. */
    private void aggregate(RtmpMessage m) throws FlvException, AmfException, CodecConfigException {
        byte[] p = m.payload();
        int pos = 0;
        long base = -1;
        while (pos + 11 <= p.length) {
            int type = p[pos] & 0xFF;
            int size = ((p[pos + 1] & 0xFF) << 16) | ((p[pos + 2] & 0xFF) << 8) | (p[pos + 3] & 0xFF);
            long ts = ((p[pos + 4] & 0xFFL) << 16) | ((p[pos + 5] & 0xFFL) << 8) | (p[pos + 6] & 0xFFL)
                    | ((p[pos + 7] & 0xFFL) << 24);
            int start = pos + 11;
            if (start + size > p.length) {
                throw new FlvException("aggregate tag overruns the message");
            }
            if (base < 0) {
                base = ts;
            }
            long abs = m.timestamp() + (ts - base);
            byte[] body = Arrays.copyOfRange(p, start, start + size);
            switch (type) {
                case MessageType.VIDEO -> video(abs, body);
                case MessageType.AUDIO -> audio(abs, body);
                case MessageType.DATA_AMF0 -> data(abs, body);
                default -> { }
            }
            pos = start + size + 4; // skip PreviousTagSize
        }
    }
}
