package org.estuary.core.mp4;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An MP4 file being recorded. While recording it is a fragmented MP4 (ftyp, moov with mvex,
 * then moof + mdat every second or at each video keyframe), so a killed process leaves a file that
 * plays up to the last fragment. {@link #finish()} appends a regular moov indexing the samples
 * where they already lie, then renames the fragmented header and every moof to {@code free}: the
 * result is a plain progressive MP4 without copying the media.
 *
 * <p>Tracks may be added at any time (multi-stream recording): the header lives in a reserved
 * region right after ftyp and is rewritten in place while it fits. Not thread-safe.
 *
 * <p>Times given to {@link #writeSample} are microseconds on one timeline starting at 0 for the
 * whole file; a track whose first sample comes later starts later (edit list in the final index).
 */
public final class Mp4RecordingFile implements Closeable {
    /** Room for the fragmented header: enough for ~20 tracks with large parameter sets. */
    public static final int DEFAULT_HEADER_RESERVE = 32 * 1024;
    private static final long MAX_FRAGMENT_US = 1_000_000;
    private static final byte[] FREE = "free".getBytes(StandardCharsets.ISO_8859_1);

    private final Path path;
    private final FileChannel ch;
    private final long headerOffset;
    private final int headerReserve;
    private final List<TrackState> tracks = new ArrayList<>();
    private final List<Long> moofOffsets = new ArrayList<>();
    private long end;
    private int sequence;
    private long fragmentStartUs = -1;
    private long lastUs;
    private boolean headerCurrent;
    private boolean finished;

    private Mp4RecordingFile(Path path, FileChannel ch, long headerOffset, int headerReserve) {
        this.path = path;
        this.ch = ch;
        this.headerOffset = headerOffset;
        this.headerReserve = headerReserve;
    }

    /** Creates (or truncates) {@code path} and writes ftyp and the reserved header region. */
    public static Mp4RecordingFile create(Path path, int headerReserve) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        byte[] ftyp = MovieBox.ftyp();
        writeFully(ch, ByteBuffer.wrap(ftyp), 0);
        Mp4RecordingFile f = new Mp4RecordingFile(path, ch, ftyp.length, headerReserve);
        f.end = ftyp.length + (long) headerReserve;
        f.writeHeader();
        return f;
    }

    public Path path() { return path; }

    /** Bytes in the file so far. */
    public long size() { return end; }

    /** Number of tracks. */
    public int trackCount() { return tracks.size(); }

    /** The timeline position of the latest sample, microseconds. */
    public long lastTimeUs() { return lastUs; }

    /**
     * Adds a track and returns its index. Returns normally even when the fragmented header no
     * longer has room for it: the track is then only in the final index (see {@link #headerCurrent()}).
     */
    public int addTrack(Mp4Track spec) throws IOException {
        TrackState t = new TrackState(tracks.size() + 1, spec);
        tracks.add(t);
        writeHeader();
        return tracks.size() - 1;
    }

    /** True when the fragmented header lists every track (false only when the reserve overflowed). */
    public boolean headerCurrent() { return headerCurrent; }

    private void writeHeader() throws IOException {
        byte[] moov = MovieBox.fragmentedHeader(tracks);
        BoxBuffer region = new BoxBuffer();
        if (moov.length == headerReserve) {
            region.bytes(moov);
        } else if (moov.length + 8 <= headerReserve) {
            region.bytes(moov).begin("free").zeros(headerReserve - moov.length - 8).end();
        } else {
            headerCurrent = false;
            return;
        }
        writeFully(ch, ByteBuffer.wrap(region.toByteArray()), headerOffset);
        headerCurrent = true;
    }

    /**
     * Adds one sample. {@code data} is kept (not copied) until its fragment is written: callers pass
     * immutable arrays. Samples of one track must come in decode order.
     */
    public void writeSample(int track, long dtsUs, long ptsUs, boolean keyframe, byte[] data) throws IOException {
        if (finished) {
            throw new IllegalStateException("recording finished");
        }
        TrackState t = tracks.get(track);
        if (fragmentStartUs >= 0 && (dtsUs - fragmentStartUs >= MAX_FRAGMENT_US
                || (keyframe && t.spec.isVideo() && dtsUs > fragmentStartUs))) {
            flushFragment();
        }
        int ts = t.spec.timescale();
        long dts = ticks(Math.max(0, dtsUs), ts);
        long cts = ticks(Math.max(0, ptsUs), ts) - dts;
        if (t.pendingData != null) {
            if (dts <= t.pendingDts) {
                dts = t.pendingDts + 1; // a non-increasing timestamp: keep the table monotonic
            }
            moveToFragment(t, (int) Math.min(Integer.MAX_VALUE, dts - t.pendingDts));
        } else {
            t.firstDecodeTime = dts;
        }
        t.pendingData = data;
        t.pendingDts = dts;
        t.pendingCts = (int) cts;
        t.pendingKey = keyframe || !t.spec.isVideo();
        if (fragmentStartUs < 0) {
            fragmentStartUs = dtsUs;
        }
        lastUs = Math.max(lastUs, dtsUs);
    }

    private static long ticks(long us, int timescale) {
        return Math.round(us * (double) timescale / 1_000_000d);
    }

    private void moveToFragment(TrackState t, int duration) {
        if (t.fragStartDecodeTime < 0) {
            t.fragStartDecodeTime = t.pendingDts;
        }
        t.fragData.add(t.pendingData);
        t.fragDurations.add(duration);
        t.fragCts.add(t.pendingCts);
        t.fragKeys.add(t.pendingKey ? 1 : 0);
        t.lastDuration = duration;
        t.pendingData = null;
    }

    /** Writes the buffered samples as one moof + mdat. */
    private void flushFragment() throws IOException {
        fragmentStartUs = -1;
        List<TrackState> present = new ArrayList<>();
        long payload = 0;
        for (TrackState t : tracks) {
            if (t.fragmentSampleCount() > 0) {
                present.add(t);
                for (byte[] d : t.fragData) {
                    payload += d.length;
                }
            }
        }
        if (present.isEmpty()) {
            return;
        }
        BoxBuffer moof = new BoxBuffer().begin("moof");
        moof.beginFull("mfhd", 0, 0).u32(++sequence).end();
        int[] dataOffsetPos = new int[present.size()];
        for (int i = 0; i < present.size(); i++) {
            TrackState t = present.get(i);
            boolean negative = false;
            for (int k = 0; k < t.fragmentSampleCount(); k++) {
                negative |= t.fragCts.get(k) < 0;
            }
            moof.begin("traf");
            moof.beginFull("tfhd", 0, 0x020000).u32(t.id).end(); // default-base-is-moof
            moof.beginFull("tfdt", 1, 0).u64(t.fragStartDecodeTime).end();
            // data-offset, duration, size, flags, composition offset present
            moof.beginFull("trun", negative ? 1 : 0, 0x000F01).u32(t.fragmentSampleCount());
            dataOffsetPos[i] = moof.length();
            moof.u32(0);
            for (int k = 0; k < t.fragmentSampleCount(); k++) {
                boolean key = t.fragKeys.get(k) != 0;
                moof.u32(t.fragDurations.get(k)).u32(t.fragData.get(k).length)
                        .u32(key ? 0x02000000 : 0x01010000).u32(t.fragCts.get(k) & 0xFFFFFFFFL);
            }
            moof.end().end();
        }
        moof.end();
        int moofSize = moof.length();
        long dataStart = moofSize + 8L;
        long rel = dataStart;
        for (int i = 0; i < present.size(); i++) {
            moof.patch32(dataOffsetPos[i], rel);
            for (byte[] d : present.get(i).fragData) {
                rel += d.length;
            }
        }
        long moofAt = end;
        List<ByteBuffer> out = new ArrayList<>();
        out.add(ByteBuffer.wrap(moof.toByteArray()));
        out.add(ByteBuffer.wrap(new BoxBuffer().u32(8 + payload).fourcc("mdat").toByteArray()));
        long offset = moofAt + dataStart;
        for (TrackState t : present) {
            t.chunkOffsets.add(offset);
            t.chunkSamples.add(t.fragmentSampleCount());
            for (int k = 0; k < t.fragmentSampleCount(); k++) {
                byte[] d = t.fragData.get(k);
                out.add(ByteBuffer.wrap(d));
                offset += d.length;
                t.sizes.add(d.length);
                t.durations.add(t.fragDurations.get(k));
                long c = t.fragCts.get(k);
                t.ctsOffsets.add(c);
                t.anyCts |= c != 0;
                t.anyNegativeCts |= c < 0;
                if (t.fragKeys.get(k) != 0) {
                    t.syncSamples.add(t.sizes.size());
                }
                t.decodedDuration += t.fragDurations.get(k);
            }
            t.clearFragment();
        }
        ByteBuffer[] bufs = out.toArray(new ByteBuffer[0]);
        ch.position(moofAt);
        long total = 0;
        for (ByteBuffer b : bufs) {
            total += b.remaining();
        }
        long written = 0;
        while (written < total) {
            written += ch.write(bufs);
        }
        moofOffsets.add(moofAt);
        end = moofAt + total;
    }

    /**
     * Writes the remaining samples and turns the file into a progressive MP4, then closes it.
     * Returns the duration in milliseconds.
     */
    public long finish() throws IOException {
        if (finished) {
            return durationMs();
        }
        for (TrackState t : tracks) {
            if (t.pendingData != null) {
                moveToFragment(t, t.lastDuration > 0 ? t.lastDuration : t.spec.defaultDuration());
            }
        }
        flushFragment();
        finished = true;
        byte[] moov = MovieBox.progressive(tracks);
        writeFully(ch, ByteBuffer.wrap(moov), end);
        end += moov.length;
        ch.force(false);
        // Only now hide the fragment headers: a crash before this point leaves a fragmented file
        // with a trailing moov that players ignore.
        for (long at : moofOffsets) {
            writeFully(ch, ByteBuffer.wrap(FREE), at + 4);
        }
        writeFully(ch, ByteBuffer.wrap(FREE), headerOffset + 4);
        ch.force(false);
        ch.close();
        return durationMs();
    }

    /** Duration of what was written so far (the longest track, including its start offset). */
    public long durationMs() {
        long max = 0;
        for (TrackState t : tracks) {
            long start = Math.max(0, t.firstDecodeTime);
            max = Math.max(max, MovieBox.toMs(start + t.duration(), t.spec.timescale()));
        }
        return max;
    }

    /** Per track sample counts (written samples), for logs and tests. */
    public List<Integer> sampleCounts() {
        List<Integer> n = new ArrayList<>();
        for (TrackState t : tracks) {
            n.add(t.sampleCount());
        }
        return Collections.unmodifiableList(n);
    }

    /** Closes without finishing: the file stays fragmented (what a crash would leave). */
    @Override
    public void close() throws IOException {
        if (ch.isOpen()) {
            ch.close();
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
