package org.estuary.core.mp4;

import java.util.List;

/**
 * Builds the moov box: the fragmented-recording header (empty sample tables + mvex/trex) and the
 * final progressive index (full sample tables, chunk offsets into the fragments' mdat boxes).
 */
final class MovieBox {
    static final int MOVIE_TIMESCALE = 1000;

    private MovieBox() { }

    static byte[] ftyp() {
        return new BoxBuffer().begin("ftyp").fourcc("isom").u32(0x200)
                .fourcc("isom").fourcc("iso2").fourcc("iso6").fourcc("avc1").fourcc("mp41").end().toByteArray();
    }

    /** The header of a fragmented file: tracks without samples, plus trex defaults for each. */
    static byte[] fragmentedHeader(List<TrackState> tracks) {
        BoxBuffer b = new BoxBuffer().begin("moov");
        mvhd(b, 0, tracks.size() + 1);
        for (TrackState t : tracks) {
            trak(b, t, false, 0);
        }
        b.begin("mvex");
        for (TrackState t : tracks) {
            b.beginFull("trex", 0, 0).u32(t.id).u32(1).u32(0).u32(0).u32(0).end();
        }
        b.end();
        return b.end().toByteArray();
    }

    /** The final index of every sample written. */
    static byte[] progressive(List<TrackState> tracks) {
        long movieDuration = 0;
        for (TrackState t : tracks) {
            movieDuration = Math.max(movieDuration, startMs(t) + toMs(t.duration(), t.spec.timescale()));
        }
        BoxBuffer b = new BoxBuffer().begin("moov");
        mvhd(b, movieDuration, tracks.size() + 1);
        for (TrackState t : tracks) {
            trak(b, t, true, startMs(t));
        }
        return b.end().toByteArray();
    }

    private static long startMs(TrackState t) {
        return t.firstDecodeTime <= 0 ? 0 : toMs(t.firstDecodeTime, t.spec.timescale());
    }

    static long toMs(long ticks, int timescale) {
        return ticks * MOVIE_TIMESCALE / timescale;
    }

    private static void mvhd(BoxBuffer b, long durationMs, int nextTrackId) {
        b.beginFull("mvhd", 0, 0).u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(durationMs)
                .u32(0x00010000).u16(0x0100).zeros(10).matrix().zeros(24).u32(nextTrackId).end();
    }

    private static void trak(BoxBuffer b, TrackState t, boolean withSamples, long startMs) {
        Mp4Track s = t.spec;
        long mediaMs = withSamples ? toMs(t.duration(), s.timescale()) : 0;
        b.begin("trak");
        b.beginFull("tkhd", 0, 3).u32(0).u32(0).u32(t.id).u32(0).u32(startMs + mediaMs)
                .zeros(8).u16(0).u16(0).u16(s.isVideo() ? 0 : 0x0100).u16(0).matrix()
                .u32((long) s.width() << 16).u32((long) s.height() << 16).end();
        if (withSamples && startMs > 0) {
            // the track joined later than the recording started: an empty edit keeps it in place
            b.begin("edts").beginFull("elst", 0, 0).u32(2)
                    .u32(startMs).u32(0xFFFFFFFFL).u32(0x00010000)
                    .u32(mediaMs).u32(0).u32(0x00010000).end().end();
        }
        b.begin("mdia");
        b.beginFull("mdhd", 1, 0).u64(0).u64(0).u32(s.timescale()).u64(withSamples ? t.duration() : 0)
                .u16(0x55C4).u16(0).end(); // language "und"
        String name = s.isVideo() ? "VideoHandler" : "SoundHandler";
        b.beginFull("hdlr", 0, 0).u32(0).fourcc(s.isVideo() ? "vide" : "soun").zeros(12)
                .bytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).u8(0).end();
        b.begin("minf");
        if (s.isVideo()) {
            b.beginFull("vmhd", 0, 1).u16(0).u16(0).u16(0).u16(0).end();
        } else {
            b.beginFull("smhd", 0, 0).u16(0).u16(0).end();
        }
        b.begin("dinf").beginFull("dref", 0, 0).u32(1).beginFull("url ", 0, 1).end().end().end();
        b.begin("stbl");
        SampleEntries.write(b, s);
        if (withSamples) {
            sampleTables(b, t);
        } else {
            b.beginFull("stts", 0, 0).u32(0).end();
            b.beginFull("stsc", 0, 0).u32(0).end();
            b.beginFull("stsz", 0, 0).u32(0).u32(0).end();
            b.beginFull("stco", 0, 0).u32(0).end();
        }
        b.end().end().end().end(); // stbl minf mdia trak
    }

    private static void sampleTables(BoxBuffer b, TrackState t) {
        int n = t.sampleCount();
        // stts: run-length of durations
        BoxBuffer runs = new BoxBuffer();
        int entries = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && t.durations.get(j) == t.durations.get(i)) {
                j++;
            }
            runs.u32(j - i).u32(t.durations.get(i));
            entries++;
            i = j;
        }
        b.beginFull("stts", 0, 0).u32(entries).bytes(runs.toByteArray()).end();
        if (t.anyCts) {
            BoxBuffer c = new BoxBuffer();
            int ce = 0;
            for (int i = 0; i < n; ) {
                int j = i;
                while (j < n && t.ctsOffsets.get(j) == t.ctsOffsets.get(i)) {
                    j++;
                }
                c.u32(j - i).u32(t.ctsOffsets.get(i) & 0xFFFFFFFFL);
                ce++;
                i = j;
            }
            b.beginFull("ctts", t.anyNegativeCts ? 1 : 0, 0).u32(ce).bytes(c.toByteArray()).end();
        }
        if (t.spec.isVideo() && t.syncSamples.size() < n) {
            b.beginFull("stss", 0, 0).u32(t.syncSamples.size());
            for (int i = 0; i < t.syncSamples.size(); i++) {
                b.u32(t.syncSamples.get(i));
            }
            b.end();
        }
        b.beginFull("stsz", 0, 0).u32(0).u32(n);
        for (int i = 0; i < n; i++) {
            b.u32(t.sizes.get(i));
        }
        b.end();
        int chunks = t.chunkOffsets.size();
        BoxBuffer sc = new BoxBuffer();
        int se = 0;
        for (int i = 0; i < chunks; i++) {
            if (i == 0 || t.chunkSamples.get(i) != t.chunkSamples.get(i - 1)) {
                sc.u32(i + 1).u32(t.chunkSamples.get(i)).u32(1);
                se++;
            }
        }
        b.beginFull("stsc", 0, 0).u32(se).bytes(sc.toByteArray()).end();
        boolean large = chunks > 0 && t.chunkOffsets.get(chunks - 1) > 0xFFFFFFFFL;
        b.beginFull(large ? "co64" : "stco", 0, 0).u32(chunks);
        for (int i = 0; i < chunks; i++) {
            if (large) {
                b.u64(t.chunkOffsets.get(i));
            } else {
                b.u32(t.chunkOffsets.get(i));
            }
        }
        b.end();
    }
}
