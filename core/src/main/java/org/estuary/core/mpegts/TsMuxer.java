package org.estuary.core.mpegts;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.Adts;
import org.estuary.core.codec.AnnexB;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/**
 * Writes hub frames (H.264/H.265 + AAC) as an MPEG transport stream, one HLS segment at a time:
 * {@link #startSegment()} opens a segment with PAT and PMT so it plays on its own, {@link #write}
 * adds frames (converted to Annex-B / ADTS from the latest config frames), {@link #finishSegment()}
 * returns its bytes. Times are microseconds; the caller keeps them monotonic.
 */
public final class TsMuxer {
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x100;
    public static final int AUDIO_PID = 0x101;
    static final int STREAM_TYPE_AAC = 0x0F;
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_H265 = 0x24;
    /** Added to PTS/DTS so the PCR (taken from the raw DTS) always runs a little ahead of decode time. */
    static final long PTS_LEAD_90K = 9_000;

    private final Codec videoCodec;
    private final boolean hasAudio;
    private final TsPacketWriter packets = new TsPacketWriter();
    private ByteArrayOutputStream out;

    private int nalLengthSize = 4;
    private List<byte[]> parameterSets = List.of();
    private AacConfig aac;

    /**
     * @param videoCodec H264, H265 or null for audio-only
     * @param hasAudio   whether an AAC track is announced in the PMT
     */
    public TsMuxer(Codec videoCodec, boolean hasAudio) {
        if (videoCodec != null && videoCodec != Codec.H264 && videoCodec != Codec.H265) {
            throw new IllegalArgumentException("MPEG-TS muxer takes H264/H265 video, not " + videoCodec);
        }
        if (videoCodec == null && !hasAudio) {
            throw new IllegalArgumentException("no track to mux");
        }
        this.videoCodec = videoCodec;
        this.hasAudio = hasAudio;
    }

    /** True for the frames this muxer can carry. */
    public static boolean accepts(Codec c) {
        return c == Codec.H264 || c == Codec.H265 || c == Codec.AAC;
    }

    public void startSegment() {
        out = new ByteArrayOutputStream(256 * 1024);
        packets.writeSection(out, 0, pat());
        packets.writeSection(out, PMT_PID, pmt());
    }

    public boolean inSegment() {
        return out != null;
    }

    /** Adds one frame; config frames update the conversion state. Frames of other codecs are ignored. */
    public void write(Frame f) throws CodecConfigException {
        if (f.isConfig()) {
            configure(f);
            return;
        }
        if (out == null) {
            throw new IllegalStateException("startSegment() first");
        }
        if (f.isVideo() && f.codec() == videoCodec) {
            byte[] es = videoCodec == Codec.H264
                    ? AnnexB.h264(f.payload(), nalLengthSize, f.isKeyframe(), parameterSets)
                    : AnnexB.h265(f.payload(), nalLengthSize, f.isKeyframe(), parameterSets);
            long dts = to90k(f.dtsUs());
            long pts = to90k(f.ptsUs());
            byte[] pes = pes(0xE0, es, pts + PTS_LEAD_90K, dts + PTS_LEAD_90K, true);
            packets.writePes(out, VIDEO_PID, pes, dts * 300, f.isKeyframe());
        } else if (f.codec() == Codec.AAC && hasAudio && aac != null) {
            byte[] adts = Adts.header(aac, f.size());
            byte[] es = new byte[adts.length + f.size()];
            System.arraycopy(adts, 0, es, 0, adts.length);
            System.arraycopy(f.payload(), 0, es, adts.length, f.size());
            long pts = to90k(f.ptsUs());
            byte[] pes = pes(0xC0, es, pts + PTS_LEAD_90K, -1, false);
            // audio-only streams carry the PCR on the audio PID
            packets.writePes(out, AUDIO_PID, pes, videoCodec == null ? pts * 300 : -1, videoCodec == null);
        }
    }

    public byte[] finishSegment() {
        byte[] b = out == null ? new byte[0] : out.toByteArray();
        out = null;
        return b;
    }

    private void configure(Frame f) throws CodecConfigException {
        if (f.codec() == Codec.H264 && videoCodec == Codec.H264) {
            AvcConfig c = AvcConfig.parse(f.payload());
            nalLengthSize = c.nalLengthSize();
            List<byte[]> sets = new ArrayList<>(c.sps());
            sets.addAll(c.pps());
            parameterSets = List.copyOf(sets);
        } else if (f.codec() == Codec.H265 && videoCodec == Codec.H265) {
            HevcConfig c = HevcConfig.parse(f.payload());
            nalLengthSize = c.nalLengthSize();
            List<byte[]> sets = new ArrayList<>(c.vps());
            sets.addAll(c.sps());
            sets.addAll(c.pps());
            parameterSets = List.copyOf(sets);
        } else if (f.codec() == Codec.AAC) {
            aac = AacConfig.parse(f.payload());
        }
    }

    static long to90k(long us) {
        return Math.floorDiv(us * 9, 100) & 0x1FFFFFFFFL;
    }

    private byte[] pat() {
        byte[] s = new byte[16];
        int i = 0;
        s[i++] = 0x00; // table id
        int sectionLength = 13; // 5 header bytes + 4 program bytes + 4 CRC
        s[i++] = (byte) (0xB0 | sectionLength >> 8);
        s[i++] = (byte) sectionLength;
        s[i++] = 0x00;
        s[i++] = 0x01; // transport stream id 1
        s[i++] = (byte) 0xC1; // version 0, current
        s[i++] = 0x00;
        s[i++] = 0x00;
        s[i++] = 0x00;
        s[i++] = 0x01; // program 1
        s[i++] = (byte) (0xE0 | PMT_PID >> 8);
        s[i++] = (byte) PMT_PID;
        return withCrc(s, i);
    }

    private byte[] pmt() {
        List<int[]> streams = new ArrayList<>();
        if (videoCodec != null) {
            streams.add(new int[] {videoCodec == Codec.H264 ? STREAM_TYPE_H264 : STREAM_TYPE_H265, VIDEO_PID});
        }
        if (hasAudio) {
            streams.add(new int[] {STREAM_TYPE_AAC, AUDIO_PID});
        }
        int sectionLength = 9 + 5 * streams.size() + 4;
        byte[] s = new byte[3 + sectionLength];
        int i = 0;
        s[i++] = 0x02;
        s[i++] = (byte) (0xB0 | sectionLength >> 8);
        s[i++] = (byte) sectionLength;
        s[i++] = 0x00;
        s[i++] = 0x01; // program 1
        s[i++] = (byte) 0xC1;
        s[i++] = 0x00;
        s[i++] = 0x00;
        int pcrPid = videoCodec != null ? VIDEO_PID : AUDIO_PID;
        s[i++] = (byte) (0xE0 | pcrPid >> 8);
        s[i++] = (byte) pcrPid;
        s[i++] = (byte) 0xF0;
        s[i++] = 0x00; // no program descriptors
        for (int[] st : streams) {
            s[i++] = (byte) st[0];
            s[i++] = (byte) (0xE0 | st[1] >> 8);
            s[i++] = (byte) st[1];
            s[i++] = (byte) 0xF0;
            s[i++] = 0x00;
        }
        return withCrc(s, i);
    }

    private static byte[] withCrc(byte[] s, int length) {
        int crc = Crc32Mpeg.compute(s, 0, length);
        byte[] r = java.util.Arrays.copyOf(s, length + 4);
        r[length] = (byte) (crc >>> 24);
        r[length + 1] = (byte) (crc >>> 16);
        r[length + 2] = (byte) (crc >>> 8);
        r[length + 3] = (byte) crc;
        return r;
    }

    /** A PES packet; {@code dts < 0} writes PTS only. Video PES longer than 64 KiB use length 0 (unbounded). */
    static byte[] pes(int streamId, byte[] es, long pts, long dts, boolean video) {
        boolean withDts = dts >= 0 && dts != pts;
        int headerData = withDts ? 10 : 5;
        int total = 9 + headerData + es.length;
        byte[] p = new byte[total];
        p[0] = 0;
        p[1] = 0;
        p[2] = 1;
        p[3] = (byte) streamId;
        int length = total - 6;
        if (length > 0xFFFF) {
            if (!video) {
                throw new IllegalArgumentException("audio PES too long: " + length);
            }
            length = 0;
        }
        p[4] = (byte) (length >> 8);
        p[5] = (byte) length;
        p[6] = (byte) 0x80;
        p[7] = (byte) (withDts ? 0xC0 : 0x80);
        p[8] = (byte) headerData;
        writeTimestamp(p, 9, withDts ? 0x3 : 0x2, pts);
        if (withDts) {
            writeTimestamp(p, 14, 0x1, dts);
        }
        System.arraycopy(es, 0, p, 9 + headerData, es.length);
        return p;
    }

    private static void writeTimestamp(byte[] p, int at, int prefix, long ts) {
        ts &= 0x1FFFFFFFFL;
        p[at] = (byte) (prefix << 4 | (ts >> 29 & 0x0E) | 1);
        p[at + 1] = (byte) (ts >> 22);
        p[at + 2] = (byte) ((ts >> 14 & 0xFE) | 1);
        p[at + 3] = (byte) (ts >> 7);
        p[at + 4] = (byte) ((ts << 1 & 0xFE) | 1);
    }
}
