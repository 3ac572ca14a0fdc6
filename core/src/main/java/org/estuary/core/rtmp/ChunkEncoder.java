package org.estuary.core.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Splits a message into chunks: a fmt 0 header on the first chunk, fmt 3 on continuations.
 *
 * <p>Stateless on purpose: never using the fmt 1/2 compression means the bytes for a message do
 * not depend on what was sent before, so one encoding can be written to every player.
 */
public final class ChunkEncoder {
    /** Highest chunk stream id the 3-byte basic header can express. */
    public static final int MAX_CSID = 65599;

    private static final long EXTENDED = 0xFFFFFF;

    private ChunkEncoder() {
    }

    public static byte[] encode(RtmpMessage m, int chunkSize) {
        ByteBuffer buf = ByteBuffer.allocate(encodedSize(m.payload().length, chunkSize, m.timestamp(), m.chunkStreamId()));
        encodeTo(m, chunkSize, buf);
        return buf.array();
    }

    public static void encodeTo(RtmpMessage m, int chunkSize, ByteArrayOutputStream out) {
        byte[] b = encode(m, chunkSize);
        out.write(b, 0, b.length);
    }

    /** Writes the chunks at the buffer's position; it must have {@link #encodedSize} bytes left. */
    public static void encodeTo(RtmpMessage m, int chunkSize, ByteBuffer out) {
        int csid = m.chunkStreamId();
        checkArgs(chunkSize, csid);
        byte[] payload = m.payload();
        if (payload.length > 0xFFFFFF) {
            throw new IllegalArgumentException("message longer than 16 MiB - 1");
        }
        long ts = m.timestamp() & 0xFFFFFFFFL;
        boolean extended = ts >= EXTENDED;
        writeBasicHeader(out, 0, csid);
        putU24(out, extended ? EXTENDED : ts);
        putU24(out, payload.length);
        out.put((byte) m.typeId());
        out.putInt(Integer.reverseBytes(m.messageStreamId())); // the one little-endian field in RTMP
        if (extended) {
            out.putInt((int) ts);
        }
        int pos = 0;
        while (true) {
            int n = Math.min(chunkSize, payload.length - pos);
            out.put(payload, pos, n);
            pos += n;
            if (pos >= payload.length) {
                break;
            }
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.putInt((int) ts); // repeated in continuations, as the spec, ffmpeg and librtmp expect
            }
        }
    }

    /** Exact number of bytes {@link #encode} produces. */
    public static int encodedSize(int payloadLen, int chunkSize, long timestamp, int csid) {
        checkArgs(chunkSize, csid);
        int basic = basicHeaderSize(csid);
        int ext = (timestamp & 0xFFFFFFFFL) >= EXTENDED ? 4 : 0;
        int chunks = payloadLen == 0 ? 1 : (int) ((payloadLen + (long) chunkSize - 1) / chunkSize);
        return basic + 11 + ext + (chunks - 1) * (basic + ext) + payloadLen;
    }

    static int basicHeaderSize(int csid) {
        return csid < 64 ? 1 : csid < 320 ? 2 : 3;
    }

    private static void checkArgs(int chunkSize, int csid) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        if (csid < 2 || csid > MAX_CSID) {
            throw new IllegalArgumentException("chunk stream id out of range 2.." + MAX_CSID + ": " + csid);
        }
    }

    private static void writeBasicHeader(ByteBuffer out, int fmt, int csid) {
        if (csid < 64) {
            out.put((byte) (fmt << 6 | csid));
        } else if (csid < 320) {
            out.put((byte) (fmt << 6));
            out.put((byte) (csid - 64));
        } else {
            out.put((byte) (fmt << 6 | 1));
            out.put((byte) (csid - 64));
            out.put((byte) ((csid - 64) >>> 8));
        }
    }

    private static void putU24(ByteBuffer out, long v) {
        out.put((byte) (v >>> 16));
        out.put((byte) (v >>> 8));
        out.put((byte) v);
    }
}
