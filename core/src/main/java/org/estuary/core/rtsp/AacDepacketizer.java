package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * AAC over RTP, RFC 3640 mpeg4-generic (AAC-hbr: sizelength 13, indexlength 3). Several access
 * units per packet get timestamps {@code ts + i * 1024}; an access unit larger than a packet is
 * reassembled from fragments ending with the marker bit. The AudioSpecificConfig comes from the
 * SDP's {@code config=} hex string.
 */
public final class AacDepacketizer implements Depacketizer {
    static final int SAMPLES_PER_FRAME = 1024;

    private final AccessUnitSink sink;
    private final int sizeLength;
    private final int indexLength;
    private final int indexDeltaLength;
    private final byte[] config;
    private boolean configSent;
    private ByteArrayOutputStream fragment;
    private int fragmentSize;
    private int lastSeq = -1;
    private long discarded;

    /**
     * @param configHex fmtp {@code config}, may be null (then no config frame is produced)
     * @throws IllegalArgumentException if the hex string or lengths are invalid
     */
    public AacDepacketizer(AccessUnitSink sink, String configHex, int sizeLength, int indexLength, int indexDeltaLength) {
        if (sizeLength < 0 || sizeLength > 32 || indexLength < 0 || indexLength > 32
                || indexDeltaLength < 0 || indexDeltaLength > 32) {
            throw new IllegalArgumentException("bad AU header lengths");
        }
        this.sink = sink;
        this.config = configHex == null || configHex.isBlank() ? null : HexFormat.of().parseHex(configHex.trim());
        this.sizeLength = sizeLength;
        this.indexLength = indexLength;
        this.indexDeltaLength = indexDeltaLength;
    }

    /** The AudioSpecificConfig from the SDP, or null. */
    public byte[] config() {
        return config;
    }

    @Override
    public void accept(RtpPacket p) {
        if (!configSent && config != null) {
            configSent = true;
            sink.config(config);
        }
        if (lastSeq >= 0 && p.sequence() != ((lastSeq + 1) & 0xFFFF)) {
            fragment = null;
        }
        lastSeq = p.sequence();
        byte[] d = p.data();
        int off = p.payloadOffset();
        int len = p.payloadLength();
        if (sizeLength == 0) {
            emit(p.timestamp(), d, off, len);
            return;
        }
        if (len < 2) {
            discarded++;
            return;
        }
        int headerBits = ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
        int headerBytes = (headerBits + 7) / 8;
        if (headerBits == 0 || 2 + headerBytes > len) {
            discarded++;
            return;
        }
        int dataOff = off + 2 + headerBytes;
        int dataEnd = off + len;
        if (fragment != null) {
            // continuation of an access unit too big for one packet
            fragment.write(d, dataOff, dataEnd - dataOff);
            if (fragment.size() >= fragmentSize || p.marker()) {
                byte[] au = fragment.toByteArray();
                fragment = null;
                if (au.length == fragmentSize) {
                    emit(p.timestamp(), au, 0, au.length);
                } else {
                    discarded++;
                }
            }
            return;
        }
        long bitPos = (off + 2) * 8L;
        long bitEnd = bitPos + headerBits;
        int i = 0;
        while (bitPos + sizeLength + (i == 0 ? indexLength : indexDeltaLength) <= bitEnd) {
            int size = (int) bits(d, bitPos, sizeLength);
            bitPos += sizeLength + (i == 0 ? indexLength : indexDeltaLength);
            if (size <= 0) {
                discarded++;
                return;
            }
            if (dataOff + size > dataEnd) {
                if (i == 0 && !p.marker() && size <= NalAccessUnit.MAX_BYTES) {
                    fragment = new ByteArrayOutputStream(size);
                    fragmentSize = size;
                    fragment.write(d, dataOff, dataEnd - dataOff);
                } else {
                    discarded++;
                }
                return;
            }
            emit(p.timestamp() + (long) i * SAMPLES_PER_FRAME, d, dataOff, size);
            dataOff += size;
            i++;
        }
    }

    private void emit(long ts, byte[] d, int off, int len) {
        if (len <= 0) {
            discarded++;
            return;
        }
        byte[] au = new byte[len];
        System.arraycopy(d, off, au, 0, len);
        sink.accessUnit(ts & 0xFFFFFFFFL, au, true);
    }

    private static long bits(byte[] d, long bitPos, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            long b = bitPos + k;
            v = (v << 1) | ((d[(int) (b >>> 3)] >> (7 - (b & 7))) & 1);
        }
        return v;
    }

    @Override
    public long discarded() {
        return discarded;
    }
}
