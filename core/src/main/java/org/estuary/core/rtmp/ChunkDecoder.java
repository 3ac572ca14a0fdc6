package org.estuary.core.rtmp;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from a chunk stream that is pushed in arbitrary pieces (a read may
 * end anywhere, including inside a header). Not thread safe: one instance per connection.
 *
 * <p>Control messages are applied here as soon as they complete (SET_CHUNK_SIZE changes the size
 * of the very next chunk, ABORT drops a partial message) and are still delivered to the consumer
 * so the session can react to them too.
 *
 * <p>Extended timestamps on fmt 3 chunks: the spec says a fmt 3 chunk repeats the extended
 * timestamp when its stream's last full header used one; some peers omit it. We peek at the 4
 * bytes and treat them as the repeated field only if they equal the last extended value, which
 * accepts both behaviours.
 */
public final class ChunkDecoder {
    /** Largest chunk size we accept from SET_CHUNK_SIZE; bigger values only serve to exhaust memory. */
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** Most chunk streams that may each hold a partially received message at the same time. */
    public static final int MAX_STREAMS_IN_FLIGHT = 64;
    /** Initial chunk size mandated by the spec. */
    public static final int DEFAULT_CHUNK_SIZE = 128;

    /** First buffer for a message; it grows as data arrives, up to the declared length. */
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final int EXTENDED = 0xFFFFFF;
    private static final int[] MESSAGE_HEADER_SIZE = {11, 7, 3, 0};

    private final int maxMessageSize;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int inFlight;
    private long bytesReceived;

    /** Header bytes of the chunk being parsed: at most 3 basic + 11 message + 4 extended. */
    private final byte[] header = new byte[18];
    private int headerLen;
    /** Chunk stream whose payload bytes are being read, or null while reading a header. */
    private ChunkStream current;
    private int chunkRemaining;

    /** Per chunk stream state: the last header values (for fmt 1/2/3) and a partial message. */
    private static final class ChunkStream {
        final int csid;
        boolean seenHeader;
        long timestamp;
        long delta;
        int length;
        int typeId;
        int messageStreamId;
        boolean extended;
        long lastExtendedValue;
        byte[] payload;
        int filled;

        ChunkStream(int csid) {
            this.csid = csid;
        }
    }

    /** @param maxMessageSize largest message (payload bytes) accepted; larger ones fail the stream */
    public ChunkDecoder(int maxMessageSize) {
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive");
        }
        this.maxMessageSize = maxMessageSize;
    }

    /** Total bytes fed so far, for the acknowledgement sequence number. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * What the peer left unfinished, for the log when its connection drops: null between messages,
     * else e.g. {@code "a type 9 message (60 of 4310 bytes)"} or {@code "a chunk header"}.
     */
    public String unfinished() {
        if (current != null) {
            return "a type " + current.typeId + " message (" + current.filled + " of " + current.length + " bytes)";
        }
        if (headerLen > 0) {
            return "a chunk header";
        }
        for (ChunkStream cs : streams.values()) {
            if (cs.filled > 0) {
                return "a type " + cs.typeId + " message (" + cs.filled + " of " + cs.length + " bytes)";
            }
        }
        return null;
    }

    /** Chunk size currently expected from the peer. */
    public int chunkSize() {
        return chunkSize;
    }

    public void feed(byte[] data, Consumer<RtmpMessage> out) throws RtmpProtocolException {
        feed(data, 0, data.length, out);
    }

    /**
     * Consumes {@code len} bytes and delivers every message they complete, in order. After an
     * exception the decoder state is undefined and the connection must be closed.
     */
    public void feed(byte[] data, int off, int len, Consumer<RtmpMessage> out) throws RtmpProtocolException {
        if (off < 0 || len < 0 || off + len > data.length) {
            throw new IndexOutOfBoundsException("bad range " + off + "+" + len + " of " + data.length);
        }
        bytesReceived += len;
        process(data, off, len, out);
    }

    private void process(byte[] data, int off, int len, Consumer<RtmpMessage> out) throws RtmpProtocolException {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (current != null) {
                int n = Math.min(chunkRemaining, end - pos);
                System.arraycopy(data, pos, ensureCapacity(current, n), current.filled, n);
                current.filled += n;
                chunkRemaining -= n;
                pos += n;
                if (chunkRemaining == 0) {
                    finishChunk(out);
                }
                continue;
            }
            int needed = headerSizeSoFar();
            while (headerLen < needed && pos < end) {
                header[headerLen++] = data[pos++];
                needed = headerSizeSoFar();
            }
            if (headerLen == needed) {
                byte[] notExtended = applyHeader();
                if (notExtended != null) {
                    // the peer did not repeat the extended timestamp: those bytes were payload
                    process(notExtended, 0, notExtended.length, out);
                }
                if (current != null && chunkRemaining == 0) {
                    finishChunk(out); // zero-length message
                }
            }
        }
    }

    /** Size of the current header as far as the bytes read so far can tell. */
    private int headerSizeSoFar() throws RtmpProtocolException {
        if (headerLen == 0) {
            return 1;
        }
        int fmt = (header[0] & 0xFF) >>> 6;
        int basic = switch (header[0] & 0x3F) {
            case 0 -> 2;
            case 1 -> 3;
            default -> 1;
        };
        if (headerLen < basic) {
            return basic;
        }
        int size = basic + MESSAGE_HEADER_SIZE[fmt];
        if (headerLen < size) {
            return size;
        }
        if (fmt < 3) {
            return readU24(header, basic) == EXTENDED ? size + 4 : size;
        }
        ChunkStream cs = streams.get(csid(basic));
        return cs != null && cs.extended ? size + 4 : size;
    }

    private int csid(int basic) {
        return switch (basic) {
            case 2 -> 64 + (header[1] & 0xFF);
            case 3 -> 64 + (header[1] & 0xFF) + 256 * (header[2] & 0xFF);
            default -> header[0] & 0x3F;
        };
    }

    /**
     * Applies a complete header and switches to reading the chunk payload. Returns the 4 bytes
     * read as a presumed extended timestamp if they turned out not to be one, else null.
     */
    private byte[] applyHeader() throws RtmpProtocolException {
        int fmt = (header[0] & 0xFF) >>> 6;
        int basic = (header[0] & 0x3F) == 0 ? 2 : (header[0] & 0x3F) == 1 ? 3 : 1;
        int csid = csid(basic);
        int p = basic;
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            cs = new ChunkStream(csid);
            streams.put(csid, cs);
        }
        if (fmt != 0 && !cs.seenHeader) {
            throw new RtmpProtocolException("fmt " + fmt + " chunk on chunk stream " + csid + " without a previous header");
        }
        byte[] notExtended = null;
        boolean newMessage = cs.payload == null;
        if (fmt < 3) {
            if (!newMessage) {
                throw new RtmpProtocolException("new header on chunk stream " + csid + " before its message completed");
            }
            long tsField = readU24(header, p);
            cs.extended = tsField == EXTENDED;
            if (cs.extended) {
                tsField = readU32(header, p + MESSAGE_HEADER_SIZE[fmt]);
                cs.lastExtendedValue = tsField;
            }
            if (fmt <= 1) {
                cs.length = (int) readU24(header, p + 3);
                cs.typeId = header[p + 6] & 0xFF;
            }
            if (fmt == 0) {
                cs.messageStreamId = (header[p + 7] & 0xFF) | (header[p + 8] & 0xFF) << 8
                        | (header[p + 9] & 0xFF) << 16 | (header[p + 10] & 0xFF) << 24;
                cs.timestamp = tsField;
            } else {
                cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
            }
            // a following fmt 3 message reuses this field as its delta, even after fmt 0: that is what
            // ffmpeg's writer assumes when it picks fmt 3 (and how ffmpeg and SRS read it)
            cs.delta = tsField;
            cs.seenHeader = true;
        } else {
            if (cs.extended && readU32(header, basic) != cs.lastExtendedValue) {
                notExtended = new byte[4];
                System.arraycopy(header, basic, notExtended, 0, 4);
            }
            if (newMessage) {
                cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFFFFFFL;
            }
        }
        if (newMessage) {
            if (cs.length > maxMessageSize) {
                throw new RtmpProtocolException("message of " + cs.length + " bytes exceeds limit " + maxMessageSize);
            }
            if (inFlight >= MAX_STREAMS_IN_FLIGHT) {
                throw new RtmpProtocolException("more than " + MAX_STREAMS_IN_FLIGHT + " chunk streams in flight");
            }
            inFlight++;
            // grown as data arrives, so a large declared length costs nothing until it is sent
            cs.payload = new byte[Math.min(cs.length, INITIAL_BUFFER)];
            cs.filled = 0;
        }
        headerLen = 0;
        current = cs;
        chunkRemaining = Math.min(chunkSize, cs.length - cs.filled);
        return notExtended;
    }

    private static byte[] ensureCapacity(ChunkStream cs, int more) {
        int need = cs.filled + more;
        if (need > cs.payload.length) {
            byte[] grown = new byte[(int) Math.min(cs.length, Math.max(need, 2L * cs.payload.length))];
            System.arraycopy(cs.payload, 0, grown, 0, cs.filled);
            cs.payload = grown;
        }
        return cs.payload;
    }

    private void finishChunk(Consumer<RtmpMessage> out) throws RtmpProtocolException {
        ChunkStream cs = current;
        current = null;
        if (cs.filled < cs.length) {
            return;
        }
        byte[] payload = cs.payload;
        cs.payload = null;
        cs.filled = 0;
        inFlight--;
        RtmpMessage m = new RtmpMessage(cs.csid, cs.typeId, cs.timestamp, cs.messageStreamId, payload);
        if (cs.typeId == MessageType.SET_CHUNK_SIZE) {
            chunkSize = parseChunkSize(payload);
        } else if (cs.typeId == MessageType.ABORT) {
            abort(payload);
        }
        out.accept(m);
    }

    private static int parseChunkSize(byte[] payload) throws RtmpProtocolException {
        if (payload.length < 4) {
            throw new RtmpProtocolException("SET_CHUNK_SIZE payload too short");
        }
        long size = readU32(payload, 0) & 0x7FFFFFFFL; // the top bit is reserved and must be ignored
        if (size < 1) {
            throw new RtmpProtocolException("invalid chunk size " + size);
        }
        if (size > MAX_CHUNK_SIZE) {
            throw new RtmpProtocolException("chunk size " + size + " larger than " + MAX_CHUNK_SIZE);
        }
        return (int) size;
    }

    private void abort(byte[] payload) throws RtmpProtocolException {
        if (payload.length < 4) {
            throw new RtmpProtocolException("ABORT payload too short");
        }
        ChunkStream cs = streams.get((int) readU32(payload, 0));
        if (cs != null && cs.payload != null) {
            cs.payload = null;
            cs.filled = 0;
            inFlight--;
        }
    }

    static long readU24(byte[] b, int p) {
        return (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
    }

    static long readU32(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 24) | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }
}
