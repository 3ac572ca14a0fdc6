package org.estuary.core.cmaf;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/**
 * Fragmented MP4 for one stream: {@link #initSegment()} (ftyp + moov) from the codec configuration
 * frames, then {@link #add(Frame)} media frames and {@link #flushFragment()} to get one moof + mdat
 * with every sample committed so far (an LL-HLS part). Video track 1 (90 kHz), audio track 2
 * (timescale = sample rate). H.264/H.265 samples stay length-prefixed as the hub carries them.
 */
public final class CmafMuxer {
    private static final int SAMPLE_SYNC = 0x02000000;     // depends on no other sample
    private static final int SAMPLE_NON_SYNC = 0x01010000; // depends on others, not a sync sample

    private final Codec videoCodec;
    private final byte[] videoRecord;
    private final byte[] audioRecord;
    private final int width;
    private final int height;
    private final AacConfig aac;
    private final String codecs;
    private final CmafTrack video;
    private final CmafTrack audio;
    private int sequence = 1;

    /**
     * @param videoConfig H.264/H.265 config frame or null
     * @param audioConfig AAC config frame or null
     */
    public CmafMuxer(Frame videoConfig, Frame audioConfig) throws CodecConfigException {
        if (videoConfig == null && audioConfig == null) {
            throw new IllegalArgumentException("no track to mux");
        }
        List<String> names = new ArrayList<>();
        if (videoConfig != null) {
            videoCodec = videoConfig.codec();
            videoRecord = videoConfig.payload();
            if (videoCodec == Codec.H264) {
                AvcConfig c = AvcConfig.parse(videoRecord);
                H264Sps sps = c.firstSps();
                width = sps == null ? 0 : sps.width();
                height = sps == null ? 0 : sps.height();
                names.add(c.codecString());
            } else if (videoCodec == Codec.H265) {
                HevcConfig c = HevcConfig.parse(videoRecord);
                width = c.width();
                height = c.height();
                names.add("hvc1." + c.profileIdc() + ".4.L" + c.levelIdc() + ".B0");
            } else {
                throw new IllegalArgumentException("fMP4 muxer takes H264/H265 video, not " + videoCodec);
            }
            video = new CmafTrack(1, 90_000, true, 3000);
        } else {
            videoCodec = null;
            videoRecord = null;
            width = 0;
            height = 0;
            video = null;
        }
        if (audioConfig != null) {
            if (audioConfig.codec() != Codec.AAC) {
                throw new IllegalArgumentException("fMP4 muxer takes AAC audio, not " + audioConfig.codec());
            }
            audioRecord = audioConfig.payload();
            aac = AacConfig.parse(audioRecord);
            names.add("mp4a.40." + aac.objectType());
            audio = new CmafTrack(2, aac.sampleRate() > 0 ? aac.sampleRate() : 48_000, false, 1024);
        } else {
            audioRecord = null;
            aac = null;
            audio = null;
        }
        codecs = String.join(",", names);
    }

    /** RFC 6381 codec list for the master playlist, e.g. {@code avc1.42C01F,mp4a.40.2}. */
    public String codecs() {
        return codecs;
    }

    public int width() { return width; }
    public int height() { return height; }

    /** Adds a media frame of one of the configured tracks; anything else is ignored. */
    public void add(Frame f) {
        if (f.isConfig()) {
            return;
        }
        if (video != null && f.codec() == videoCodec) {
            video.add(f);
        } else if (audio != null && f.codec() == Codec.AAC) {
            audio.add(f);
        }
    }

    /** True if a fragment flushed now would carry samples. */
    public boolean hasSamples() {
        return (video != null && !video.committed.isEmpty()) || (audio != null && !audio.committed.isEmpty());
    }

    /** Commits the samples still waiting for a successor (end of stream). */
    public void flushPending() {
        if (video != null) {
            video.flushPending();
        }
        if (audio != null) {
            audio.flushPending();
        }
    }

    /** The init segment: ftyp + moov (with mvex, no samples). */
    public byte[] initSegment() {
        BoxWriter w = new BoxWriter();
        w.open("ftyp").fourCc("iso6").u32(0).fourCc("iso6").fourCc("cmfc").fourCc("mp41").close();
        w.open("moov");
        w.openFull("mvhd", 0, 0).u32(0).u32(0).u32(1000).u32(0).u32(0x00010000).u16(0x0100).zeros(10)
                .matrix().zeros(24).u32(3).close();
        if (video != null) {
            trak(w, video);
        }
        if (audio != null) {
            trak(w, audio);
        }
        w.open("mvex");
        for (CmafTrack t : tracks()) {
            w.openFull("trex", 0, 0).u32(t.id).u32(1).u32(0).u32(0).u32(0).close();
        }
        w.close();
        w.close();
        return w.toBytes();
    }

    private List<CmafTrack> tracks() {
        List<CmafTrack> l = new ArrayList<>(2);
        if (video != null) {
            l.add(video);
        }
        if (audio != null) {
            l.add(audio);
        }
        return l;
    }

    private void trak(BoxWriter w, CmafTrack t) {
        w.open("trak");
        w.openFull("tkhd", 0, 3).u32(0).u32(0).u32(t.id).u32(0).u32(0).zeros(8).u16(0).u16(0)
                .u16(t.video ? 0 : 0x0100).u16(0).matrix()
                .u32(t.video ? (long) width << 16 : 0).u32(t.video ? (long) height << 16 : 0).close();
        w.open("mdia");
        w.openFull("mdhd", 0, 0).u32(0).u32(0).u32(t.timescale).u32(0).u16(0x55C4).u16(0).close();
        w.openFull("hdlr", 0, 0).u32(0).fourCc(t.video ? "vide" : "soun").zeros(12)
                .bytes((t.video ? "VideoHandler\0" : "SoundHandler\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .close();
        w.open("minf");
        if (t.video) {
            w.openFull("vmhd", 0, 1).zeros(8).close();
        } else {
            w.openFull("smhd", 0, 0).zeros(4).close();
        }
        w.open("dinf").openFull("dref", 0, 0).u32(1).openFull("url ", 0, 1).close().close().close();
        w.open("stbl");
        w.openFull("stsd", 0, 0).u32(1);
        if (t.video) {
            videoSampleEntry(w);
        } else {
            audioSampleEntry(w);
        }
        w.close();
        w.openFull("stts", 0, 0).u32(0).close();
        w.openFull("stsc", 0, 0).u32(0).close();
        w.openFull("stsz", 0, 0).u32(0).u32(0).close();
        w.openFull("stco", 0, 0).u32(0).close();
        w.close(); // stbl
        w.close(); // minf
        w.close(); // mdia
        w.close(); // trak
    }

    private void videoSampleEntry(BoxWriter w) {
        boolean avc = videoCodec == Codec.H264;
        w.open(avc ? "avc1" : "hvc1").zeros(6).u16(1).u16(0).u16(0).zeros(12).u16(width).u16(height)
                .u32(0x00480000).u32(0x00480000).u32(0).u16(1).zeros(32).u16(0x0018).u16(0xFFFF);
        w.open(avc ? "avcC" : "hvcC").bytes(videoRecord).close();
        w.close();
    }

    private void audioSampleEntry(BoxWriter w) {
        int channels = aac.channels() > 0 ? aac.channels() : 2;
        w.open("mp4a").zeros(6).u16(1).zeros(8).u16(channels).u16(16).u16(0).u16(0)
                .u32((long) (audio.timescale & 0xFFFF) << 16);
        int asc = audioRecord.length;
        int decoderConfigLength = 13 + 2 + asc;
        int esLength = 3 + 2 + decoderConfigLength + 3;
        w.openFull("esds", 0, 0)
                .u8(0x03).u8(esLength).u16(audio.id).u8(0)
                .u8(0x04).u8(decoderConfigLength).u8(0x40).u8(0x15).u8(0).u16(0).u32(0).u32(0)
                .u8(0x05).u8(asc).bytes(audioRecord)
                .u8(0x06).u8(1).u8(0x02)
                .close();
        w.close();
    }

    /** One moof + mdat with every committed sample, or null when there is none. */
    public byte[] flushFragment() {
        return flushFragment(Long.MAX_VALUE);
    }

    /**
     * One moof + mdat with the committed samples that start before {@code beforeUs} (decode time),
     * or null when there is none; later samples stay for the next fragment. Cutting every track at
     * the same instant keeps audio and video of a part covering the same time, which players that
     * buffer both in one SourceBuffer (hls.js) need to see a part as complete.
     */
    public byte[] flushFragment(long beforeUs) {
        List<CmafTrack> withSamples = new ArrayList<>(2);
        List<List<CmafTrack.Sample>> chosen = new ArrayList<>(2);
        for (CmafTrack t : tracks()) {
            List<CmafTrack.Sample> take = t.takeBefore(beforeUs == Long.MAX_VALUE ? Long.MAX_VALUE : t.toTimescale(beforeUs));
            if (!take.isEmpty()) {
                withSamples.add(t);
                chosen.add(take);
            }
        }
        if (withSamples.isEmpty()) {
            return null;
        }
        // First pass with placeholder offsets to learn the moof size, second pass with real ones.
        byte[] moof = moof(withSamples, chosen, 0);
        byte[] real = moof(withSamples, chosen, moof.length + 8);
        long mdatSize = 8;
        for (List<CmafTrack.Sample> samples : chosen) {
            for (CmafTrack.Sample s : samples) {
                mdatSize += s.data().length;
            }
        }
        byte[] out = new byte[(int) (real.length + mdatSize)];
        System.arraycopy(real, 0, out, 0, real.length);
        int p = real.length;
        out[p] = (byte) (mdatSize >>> 24);
        out[p + 1] = (byte) (mdatSize >>> 16);
        out[p + 2] = (byte) (mdatSize >>> 8);
        out[p + 3] = (byte) mdatSize;
        out[p + 4] = 'm';
        out[p + 5] = 'd';
        out[p + 6] = 'a';
        out[p + 7] = 't';
        p += 8;
        for (List<CmafTrack.Sample> samples : chosen) {
            for (CmafTrack.Sample s : samples) {
                System.arraycopy(s.data(), 0, out, p, s.data().length);
                p += s.data().length;
            }
        }
        sequence++;
        return out;
    }

    /**
     * True when every track has seen a frame at or after {@code atUs} (its samples before that are
     * committed), so a fragment cut at {@code atUs} is complete on every track.
     */
    public boolean reached(long atUs) {
        return (video == null || video.pendingDtsUs() >= atUs) && (audio == null || audio.pendingDtsUs() >= atUs);
    }

    private byte[] moof(List<CmafTrack> tracks, List<List<CmafTrack.Sample>> chosen, int firstDataOffset) {
        BoxWriter w = new BoxWriter();
        w.open("moof");
        w.openFull("mfhd", 0, 0).u32(sequence).close();
        int dataOffset = firstDataOffset;
        for (int i = 0; i < tracks.size(); i++) {
            CmafTrack t = tracks.get(i);
            List<CmafTrack.Sample> samples = chosen.get(i);
            w.open("traf");
            w.openFull("tfhd", 0, 0x020000).u32(t.id).close();
            w.openFull("tfdt", 1, 0).u64(samples.get(0).decodeTime()).close();
            int flags = 0x000001 | 0x000100 | 0x000200 | 0x000400 | (t.video ? 0x000800 : 0);
            w.openFull("trun", 1, flags).u32(samples.size()).u32(dataOffset);
            for (CmafTrack.Sample s : samples) {
                w.u32(s.duration()).u32(s.data().length).u32(s.sync() ? SAMPLE_SYNC : SAMPLE_NON_SYNC);
                if (t.video) {
                    w.u32(s.compositionOffset());
                }
                dataOffset += s.data().length;
            }
            w.close();
            w.close();
        }
        w.close();
        return w.toBytes();
    }
}
