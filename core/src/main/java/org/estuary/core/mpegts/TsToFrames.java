package org.estuary.core.mpegts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.codec.AdtsReader;
import org.estuary.core.codec.AnnexBReader;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/**
 * Turns demuxed PES packets into hub frames: Annex-B H.264 to length-prefixed access units with a
 * configuration frame whenever SPS/PPS change, ADTS AAC to raw access units with their
 * AudioSpecificConfig. Timestamps become microseconds on a continuous clock that starts at 0:
 * 33-bit wraps are unwrapped, and a jump larger than {@code maxTimestampDiffUs} (an encoder restart,
 * a splice) is folded away so the output keeps rising smoothly.
 */
public final class TsToFrames {
    private static final long WRAP = 1L << 33;
    /** What a resync places between the last frame and the first after a jump. */
    private static final long RESYNC_STEP_US = 40_000;

    private final Consumer<Frame> out;
    private final long maxTimestampDiffUs;
    private final boolean wantAudio;
    private final boolean wantVideo;

    private long lastRaw90k = -1;
    private long unwrapOffset;
    private long offsetUs = Long.MIN_VALUE;
    private long lastOutUs = -1;
    private long resyncs;

    private byte[] sps;
    private List<byte[]> pps = List.of();
    private byte[] avcRecord;
    private byte[] asc;
    private long unsupported;

    public TsToFrames(Consumer<Frame> out, long maxTimestampDiffUs, boolean wantAudio, boolean wantVideo) {
        this.out = out;
        this.maxTimestampDiffUs = maxTimestampDiffUs;
        this.wantAudio = wantAudio;
        this.wantVideo = wantVideo;
    }

    public long resyncs() { return resyncs; }
    public long unsupportedPackets() { return unsupported; }

    public void accept(TsDemuxer.Pes pes) {
        if (pes.pts90k() < 0 || pes.data().length == 0) {
            return;
        }
        switch (pes.streamType()) {
            case TsDemuxer.TYPE_H264 -> {
                if (wantVideo) {
                    h264(pes);
                }
            }
            case TsDemuxer.TYPE_AAC_ADTS -> {
                if (wantAudio) {
                    aac(pes);
                }
            }
            default -> unsupported++;
        }
    }

    private void h264(TsDemuxer.Pes pes) {
        List<byte[]> nals = AnnexBReader.split(pes.data());
        List<byte[]> media = new ArrayList<>(nals.size());
        boolean key = false;
        byte[] newSps = null;
        List<byte[]> newPps = new ArrayList<>();
        for (byte[] nal : nals) {
            int type = nal[0] & 0x1F;
            switch (type) {
                case 7 -> {
                    if (nal.length >= 4) {
                        newSps = nal; // shorter cannot hold profile/constraints/level: ignore
                    }
                }
                case 8 -> newPps.add(nal);
                case 9 -> { } // access unit delimiter: not carried in AVCC
                default -> {
                    if (type == 5) {
                        key = true;
                    }
                    media.add(nal);
                }
            }
        }
        long dts = toUs(pes.dts90k());
        long pts = dts + Math.max(0, (pes.pts90k() - pes.dts90k()) * 100 / 9);
        if (newSps != null && (sps == null || !Arrays.equals(sps, newSps) || (!newPps.isEmpty() && !samePps(newPps)))) {
            sps = newSps;
            pps = newPps.isEmpty() ? pps : newPps;
            if (!pps.isEmpty()) {
                avcRecord = AvcConfig.build(sps, pps);
                out.accept(Frame.config(Codec.H264, dts, avcRecord));
            }
        } else if (!newPps.isEmpty() && sps != null && !samePps(newPps)) {
            pps = newPps;
            avcRecord = AvcConfig.build(sps, pps);
            out.accept(Frame.config(Codec.H264, dts, avcRecord));
        }
        if (avcRecord == null || media.isEmpty()) {
            return; // nothing decodable before the first SPS/PPS
        }
        out.accept(Frame.media(Codec.H264, dts, pts, key, AnnexBReader.toLengthPrefixed(media)));
    }

    private boolean samePps(List<byte[]> other) {
        if (other.size() != pps.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!Arrays.equals(other.get(i), pps.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void aac(TsDemuxer.Pes pes) {
        List<AdtsReader.AdtsFrame> frames = AdtsReader.split(pes.data());
        if (frames.isEmpty()) {
            return;
        }
        long t = toUs(pes.pts90k());
        for (AdtsReader.AdtsFrame f : frames) {
            byte[] cfg = f.audioSpecificConfig();
            if (asc == null || !Arrays.equals(asc, cfg)) {
                asc = cfg;
                out.accept(Frame.config(Codec.AAC, t, asc));
            }
            out.accept(Frame.media(Codec.AAC, t, t, true, f.data()));
            t += 1024L * 1_000_000 / f.sampleRate();
        }
    }

    /** 90 kHz (33-bit, wrapping, possibly jumping) → continuous microseconds from 0. */
    private long toUs(long raw90k) {
        if (lastRaw90k >= 0 && raw90k + WRAP / 2 < lastRaw90k) {
            unwrapOffset += WRAP;
        }
        lastRaw90k = raw90k;
        long us = (raw90k + unwrapOffset) * 100 / 9;
        if (offsetUs == Long.MIN_VALUE) {
            offsetUs = -us;
        }
        long outUs = us + offsetUs;
        if (lastOutUs >= 0 && Math.abs(outUs - lastOutUs) > maxTimestampDiffUs) {
            resyncs++;
            offsetUs = lastOutUs + RESYNC_STEP_US - us;
            outUs = us + offsetUs;
        }
        lastOutUs = Math.max(lastOutUs, outUs);
        return outUs;
    }
}
