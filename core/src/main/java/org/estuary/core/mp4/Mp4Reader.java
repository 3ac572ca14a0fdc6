package org.estuary.core.mp4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.estuary.core.media.Codec;

/**
 * Reads the index (moov) of a progressive MP4 and flattens each supported track into a
 * {@link Mp4TrackIndex}. The bytes come through {@link Source}, so this class does no I/O of its
 * own. Every length is checked against named limits: a hostile file yields
 * {@link Mp4FormatException}, never an unchecked exception or a huge allocation.
 */
public final class Mp4Reader {
    /** Largest moov box read into memory. */
    public static final int MAX_MOOV_BYTES = 64 << 20;
    /** Most samples per track. */
    public static final int MAX_SAMPLES = 20_000_000;

    /** Random access to the file's bytes. */
    public interface Source {
        long size() throws IOException;

        /** Reads exactly {@code len} bytes at {@code pos} or throws. */
        void read(long pos, byte[] dst, int off, int len) throws IOException;
    }

    private Mp4Reader() { }

    /** The supported tracks of the file, in file order. */
    public static List<Mp4TrackIndex> read(Source src) throws IOException, Mp4FormatException {
        long size = src.size();
        long pos = 0;
        byte[] moov = null;
        boolean fragmented = false;
        boolean sawFtyp = false;
        int boxes = 0;
        while (pos + 8 <= size && boxes++ < 10_000) {
            byte[] h = new byte[16];
            src.read(pos, h, 0, 8);
            long boxSize = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
            String type = new String(h, 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (boxSize == 1) {
                if (pos + 16 > size) {
                    break;
                }
                src.read(pos + 8, h, 8, 8);
                boxSize = ByteBuffer.wrap(h, 8, 8).getLong();
                header = 16;
            } else if (boxSize == 0) {
                boxSize = size - pos;
            }
            if (boxSize < header) {
                throw new Mp4FormatException("corrupt box '" + printable(type) + "' at offset " + pos);
            }
            switch (type) {
                case "ftyp" -> sawFtyp = true;
                case "moov" -> {
                    long body = boxSize - header;
                    if (body > MAX_MOOV_BYTES || pos + boxSize > size) {
                        throw new Mp4FormatException("moov box too large or truncated");
                    }
                    moov = new byte[(int) body];
                    src.read(pos + header, moov, 0, moov.length);
                }
                case "moof" -> fragmented = true;
                default -> { }
            }
            pos += boxSize;
        }
        if (!sawFtyp && moov == null) {
            throw new Mp4FormatException("not an MP4 file (no ftyp/moov box)");
        }
        if (moov == null) {
            throw new Mp4FormatException(fragmented ? "fragmented MP4 is not supported" : "no moov box (truncated file?)");
        }
        List<Mp4TrackIndex> tracks = new ArrayList<>();
        for (Box trak : children(moov, 0, moov.length, "trak")) {
            Mp4TrackIndex t = track(moov, trak);
            if (t != null && t.sampleCount() > 0) {
                tracks.add(t);
            }
        }
        if (tracks.isEmpty()) {
            throw new Mp4FormatException(fragmented ? "fragmented MP4 is not supported"
                    : "no playable track (supported: H.264, H.265, AAC, Opus)");
        }
        return tracks;
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** A box inside a byte array: body from {@code start} to {@code end}. */
    private record Box(String type, int start, int end) { }

    private static List<Box> children(byte[] b, int from, int to, String wanted) throws Mp4FormatException {
        List<Box> out = new ArrayList<>();
        int p = from;
        while (p + 8 <= to) {
            long size = u32(b, p);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (p + 16 > to) {
                    throw new Mp4FormatException("truncated box header");
                }
                size = ByteBuffer.wrap(b, p + 8, 8).getLong();
                header = 16;
            } else if (size == 0) {
                size = to - p;
            }
            if (size < header || p + size > to) {
                throw new Mp4FormatException("box '" + printable(type) + "' overruns its parent");
            }
            if (wanted == null || wanted.equals(type)) {
                out.add(new Box(type, p + header, (int) (p + size)));
            }
            p += (int) size;
        }
        return out;
    }

    private static Box child(byte[] b, Box parent, String type) throws Mp4FormatException {
        List<Box> l = children(b, parent.start(), parent.end(), type);
        return l.isEmpty() ? null : l.get(0);
    }

    private static Box path(byte[] b, Box from, String... types) throws Mp4FormatException {
        Box cur = from;
        for (String t : types) {
            cur = child(b, cur, t);
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    private static Mp4TrackIndex track(byte[] b, Box trak) throws Mp4FormatException {
        Box tkhd = child(b, trak, "tkhd");
        Box mdhd = path(b, trak, "mdia", "mdhd");
        Box hdlr = path(b, trak, "mdia", "hdlr");
        Box stbl = path(b, trak, "mdia", "minf", "stbl");
        if (tkhd == null || mdhd == null || hdlr == null || stbl == null) {
            return null;
        }
        need(b, tkhd, 24);
        int trackId = (int) u32(b, tkhd.start() + ((b[tkhd.start()] & 0xFF) == 1 ? 20 : 12));
        need(b, mdhd, 24);
        boolean v1 = (b[mdhd.start()] & 0xFF) == 1;
        long timescale = u32(b, mdhd.start() + (v1 ? 20 : 12));
        if (timescale == 0) {
            throw new Mp4FormatException("track " + trackId + " has timescale 0");
        }
        Box stsd = child(b, stbl, "stsd");
        if (stsd == null) {
            return null;
        }
        need(b, stsd, 16);
        Box entry = children(b, stsd.start() + 8, stsd.end(), null).stream().findFirst().orElse(null);
        if (entry == null) {
            return null;
        }
        SampleEntry se = sampleEntry(b, entry);
        if (se == null) {
            return null; // codec we do not carry: skip the track
        }
        Mp4TrackIndex t = tables(b, stbl, trackId, timescale, se);
        long shift = editShift(b, trak);
        if (shift != 0) {
            // The edit list says where presentation starts in the media (e.g. B-frame delay):
            // shifting decode times keeps tracks in sync the way players show them.
            long[] dts = t.dts();
            for (int i = 0; i < dts.length; i++) {
                dts[i] -= shift;
            }
        }
        return t;
    }

    /** media_time of the first non-empty edit (track timescale), or 0. */
    private static long editShift(byte[] b, Box trak) throws Mp4FormatException {
        Box elst = path(b, trak, "edts", "elst");
        if (elst == null || elst.end() - elst.start() < 8) {
            return 0;
        }
        boolean v1 = (b[elst.start()] & 0xFF) == 1;
        long entries = u32(b, elst.start() + 4);
        int size = v1 ? 20 : 12;
        int p = elst.start() + 8;
        for (long e = 0; e < entries && p + size <= elst.end(); e++, p += size) {
            long mediaTime = v1 ? ByteBuffer.wrap(b, p + 8, 8).getLong() : (int) u32(b, p + 4);
            if (mediaTime >= 0) {
                return mediaTime;
            }
        }
        return 0;
    }

    private record SampleEntry(Codec codec, byte[] config, int width, int height, int sampleRate, int channels) { }

    private static SampleEntry sampleEntry(byte[] b, Box e) throws Mp4FormatException {
        switch (e.type()) {
            case "avc1", "avc3", "hvc1", "hev1" -> {
                need(b, e, 78);
                int w = u16(b, e.start() + 24);
                int h = u16(b, e.start() + 26);
                boolean avc = e.type().startsWith("avc");
                Box cfg = children(b, e.start() + 78, e.end(), avc ? "avcC" : "hvcC").stream().findFirst().orElse(null);
                if (cfg == null) {
                    throw new Mp4FormatException(e.type() + " track without its configuration box");
                }
                return new SampleEntry(avc ? Codec.H264 : Codec.H265, Arrays.copyOfRange(b, cfg.start(), cfg.end()), w, h, 0, 0);
            }
            case "mp4a", "Opus" -> {
                need(b, e, 28);
                int version = u16(b, e.start() + 8);
                int channels = u16(b, e.start() + 16);
                int rate = (int) (u32(b, e.start() + 24) >>> 16);
                int childStart = e.start() + 28 + (version == 1 ? 16 : version == 2 ? 36 : 0);
                if (childStart > e.end()) {
                    throw new Mp4FormatException("truncated audio sample entry");
                }
                if (e.type().equals("Opus")) {
                    Box dops = children(b, childStart, e.end(), "dOps").stream().findFirst().orElse(null);
                    byte[] cfg = dops == null ? new byte[0] : Arrays.copyOfRange(b, dops.start(), dops.end());
                    return new SampleEntry(Codec.OPUS, cfg, 0, 0, 48000, channels);
                }
                Box esds = children(b, childStart, e.end(), "esds").stream().findFirst().orElse(null);
                if (esds == null) {
                    throw new Mp4FormatException("mp4a track without esds");
                }
                return esdsEntry(b, esds, rate, channels);
            }
            default -> {
                return null;
            }
        }
    }

    /** esds: ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo (the AudioSpecificConfig). */
    private static SampleEntry esdsEntry(byte[] b, Box esds, int rate, int channels) throws Mp4FormatException {
        int p = esds.start() + 4; // version + flags
        int end = esds.end();
        int objectType = -1;
        byte[] asc = new byte[0];
        while (p + 2 <= end) {
            int tag = b[p++] & 0xFF;
            int len = 0;
            for (int i = 0; i < 4 && p < end; i++) {
                int c = b[p++] & 0xFF;
                len = (len << 7) | (c & 0x7F);
                if ((c & 0x80) == 0) {
                    break;
                }
            }
            if (tag == 0x03) {
                if (p + 3 > end) {
                    break;
                }
                int flags = b[p + 2] & 0xFF;
                p += 3;
                if ((flags & 0x80) != 0) {
                    p += 2;
                }
                if ((flags & 0x40) != 0 && p < end) {
                    p += 1 + (b[p] & 0xFF);
                }
                if ((flags & 0x20) != 0) {
                    p += 2;
                }
            } else if (tag == 0x04) {
                if (p + 13 > end) {
                    break;
                }
                objectType = b[p] & 0xFF;
                p += 13;
            } else if (tag == 0x05) {
                if (p + len > end) {
                    throw new Mp4FormatException("esds decoder info overruns the box");
                }
                asc = Arrays.copyOfRange(b, p, p + len);
                p += len;
            } else {
                p += len;
            }
        }
        if (objectType == 0x6B || objectType == 0x69) {
            return new SampleEntry(Codec.MP3, new byte[0], 0, 0, rate, channels);
        }
        if (asc.length < 2) {
            throw new Mp4FormatException("AAC track without AudioSpecificConfig");
        }
        return new SampleEntry(Codec.AAC, asc, 0, 0, rate, channels);
    }

    private static Mp4TrackIndex tables(byte[] b, Box stbl, int trackId, long timescale, SampleEntry se)
            throws Mp4FormatException {
        Box stsz = child(b, stbl, "stsz");
        Box stts = child(b, stbl, "stts");
        Box stsc = child(b, stbl, "stsc");
        Box stco = child(b, stbl, "stco");
        Box co64 = child(b, stbl, "co64");
        if (stsz == null || stts == null || stsc == null || (stco == null && co64 == null)) {
            throw new Mp4FormatException("track " + trackId + " lacks sample tables");
        }
        need(b, stsz, 12);
        int fixedSize = (int) u32(b, stsz.start() + 4);
        long count = u32(b, stsz.start() + 8);
        if (count > MAX_SAMPLES || (fixedSize == 0 && stsz.start() + 12 + count * 4 > stsz.end())) {
            throw new Mp4FormatException("track " + trackId + ": bad sample count " + count);
        }
        int n = (int) count;
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = fixedSize != 0 ? fixedSize : (int) u32(b, stsz.start() + 12 + i * 4);
        }
        long[] dts = new long[n];
        need(b, stts, 8);
        long entries = u32(b, stts.start() + 4);
        int p = stts.start() + 8;
        int s = 0;
        long t = 0;
        for (long e = 0; e < entries && s < n; e++, p += 8) {
            if (p + 8 > stts.end()) {
                throw new Mp4FormatException("stts overruns its box");
            }
            long c = u32(b, p);
            long delta = u32(b, p + 4);
            for (long k = 0; k < c && s < n; k++) {
                dts[s++] = t;
                t += delta;
            }
        }
        while (s < n) {
            dts[s++] = t; // tolerate a short stts
        }
        int[] cts = new int[n];
        Box ctts = child(b, stbl, "ctts");
        if (ctts != null) {
            need(b, ctts, 8);
            long ce = u32(b, ctts.start() + 4);
            p = ctts.start() + 8;
            s = 0;
            for (long e = 0; e < ce && s < n && p + 8 <= ctts.end(); e++, p += 8) {
                long c = u32(b, p);
                int off = (int) u32(b, p + 4);
                for (long k = 0; k < c && s < n; k++) {
                    cts[s++] = off;
                }
            }
        }
        boolean[] sync = new boolean[n];
        Box stss = child(b, stbl, "stss");
        if (stss == null) {
            Arrays.fill(sync, true);
        } else {
            need(b, stss, 8);
            long se2 = u32(b, stss.start() + 4);
            for (long e = 0; e < se2 && stss.start() + 8 + e * 4 + 4 <= stss.end(); e++) {
                long idx = u32(b, stss.start() + 8 + (int) e * 4) - 1;
                if (idx >= 0 && idx < n) {
                    sync[(int) idx] = true;
                }
            }
        }
        long[] chunkOffsets = chunkOffsets(b, stco, co64);
        long[] offsets = new long[n];
        need(b, stsc, 8);
        long runs = u32(b, stsc.start() + 4);
        if (stsc.start() + 8 + runs * 12 > stsc.end()) {
            throw new Mp4FormatException("stsc overruns its box");
        }
        s = 0;
        for (int r = 0; r < runs && s < n; r++) {
            int q = stsc.start() + 8 + r * 12;
            long firstChunk = u32(b, q) - 1;
            if (firstChunk < 0) { // first_chunk counts from 1 (fuzz finding: 0 indexed chunk -1)
                throw new Mp4FormatException("stsc run " + r + " starts at chunk 0");
            }
            long perChunk = u32(b, q + 4);
            long nextFirst = r + 1 < runs ? u32(b, q + 12) - 1 : chunkOffsets.length;
            for (long c = firstChunk; c < nextFirst && c < chunkOffsets.length && s < n; c++) {
                long off = chunkOffsets[(int) c];
                for (long k = 0; k < perChunk && s < n; k++) {
                    offsets[s] = off;
                    off += sizes[s];
                    s++;
                }
            }
        }
        if (s < n) {
            throw new Mp4FormatException("track " + trackId + ": chunk tables cover " + s + " of " + n + " samples");
        }
        return new Mp4TrackIndex(trackId, se.codec(), timescale, se.config(), se.width(), se.height(),
                se.sampleRate(), se.channels(), offsets, sizes, dts, cts, sync);
    }

    private static long[] chunkOffsets(byte[] b, Box stco, Box co64) throws Mp4FormatException {
        Box box = stco != null ? stco : co64;
        int width = stco != null ? 4 : 8;
        need(b, box, 8);
        long count = u32(b, box.start() + 4);
        if (box.start() + 8 + count * width > box.end() || count > MAX_SAMPLES) {
            throw new Mp4FormatException("chunk offset table overruns its box");
        }
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            int q = box.start() + 8 + i * width;
            out[i] = width == 4 ? u32(b, q) : ByteBuffer.wrap(b, q, 8).getLong();
        }
        return out;
    }

    private static void need(byte[] b, Box box, int bytes) throws Mp4FormatException {
        if (box.end() - box.start() < bytes) {
            throw new Mp4FormatException("box '" + box.type() + "' is too short");
        }
    }

    private static long u32(byte[] b, int p) {
        return ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
}
