package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * H.265 over RTP (RFC 7798, no DONL): single NAL units, aggregation packets (48) and
 * fragmentation units (49). VPS/SPS/PPS (sprop-vps/sps/pps or in band) become an
 * HEVCDecoderConfigurationRecord and are taken out of the access units.
 */
public final class H265Depacketizer implements Depacketizer {
    private static final int AP = 48;
    private static final int FU = 49;

    private final AccessUnitSink sink;
    private final NalAccessUnit au = new NalAccessUnit();
    private ByteArrayOutputStream fragment;
    private int lastSeq = -1;
    private byte[] vps;
    private byte[] sps;
    private byte[] pps;
    private byte[] sentConfig;
    private long discarded;

    public H265Depacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    /** Feeds sprop-vps / sprop-sps / sprop-pps values (base64, comma-separated). */
    public void spropParameterSets(String... values) {
        for (String v : values) {
            if (v == null) {
                continue;
            }
            for (String b64 : v.split(",")) {
                try {
                    byte[] nal = Base64.getDecoder().decode(b64.trim());
                    if (nal.length > 2) {
                        nal(nal);
                    }
                } catch (IllegalArgumentException e) {
                    discarded++;
                }
            }
        }
    }

    @Override
    public void accept(RtpPacket p) {
        if (lastSeq >= 0 && p.sequence() != ((lastSeq + 1) & 0xFFFF)) {
            fragment = null;
            au.damaged = true;
        }
        lastSeq = p.sequence();
        if (au.timestamp != -1 && au.timestamp != p.timestamp()) {
            flush();
        }
        au.timestamp = p.timestamp();
        int len = p.payloadLength();
        if (len < 3 || (p.payloadByte(0) & 0x80) != 0) {
            discarded++;
            au.damaged = true;
        } else {
            int type = (p.payloadByte(0) >> 1) & 0x3F;
            if (type < 48) {
                nal(Arrays.copyOfRange(p.data(), p.payloadOffset(), p.payloadOffset() + len));
            } else if (type == AP) {
                aggregation(p);
            } else if (type == FU) {
                fragmentUnit(p);
            } else {
                discarded++; // PACI and reserved types
            }
        }
        if (p.marker()) {
            flush();
        }
    }

    private void aggregation(RtpPacket p) {
        byte[] d = p.data();
        int off = p.payloadOffset() + 2;
        int end = p.payloadOffset() + p.payloadLength();
        while (off + 2 <= end) {
            int size = ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
            off += 2;
            if (size < 2 || off + size > end) {
                discarded++;
                au.damaged = true;
                return;
            }
            nal(Arrays.copyOfRange(d, off, off + size));
            off += size;
        }
    }

    private void fragmentUnit(RtpPacket p) {
        int h0 = p.payloadByte(0);
        int h1 = p.payloadByte(1);
        int fu = p.payloadByte(2);
        boolean start = (fu & 0x80) != 0;
        boolean end = (fu & 0x40) != 0;
        if (start) {
            fragment = new ByteArrayOutputStream(Math.max(64, p.payloadLength() * 4));
            fragment.write((h0 & 0x81) | ((fu & 0x3F) << 1));
            fragment.write(h1);
        } else if (fragment == null) {
            discarded++;
            au.damaged = true;
            return;
        }
        fragment.write(p.data(), p.payloadOffset() + 3, p.payloadLength() - 3);
        if (fragment.size() > NalAccessUnit.MAX_BYTES) {
            fragment = null;
            au.damaged = true;
            return;
        }
        if (end) {
            byte[] nal = fragment.toByteArray();
            fragment = null;
            nal(nal);
        }
    }

    private void nal(byte[] nal) {
        int type = (nal[0] >> 1) & 0x3F;
        switch (type) {
            case 32 -> vps = nal;
            case 33 -> sps = nal;
            case 34 -> pps = nal;
            case 35 -> { } // access unit delimiter
            default -> {
                if (type >= 16 && type <= 23) {
                    au.keyframe = true;
                }
                au.add(nal);
            }
        }
    }

    private void flush() {
        if (vps != null && sps != null && pps != null) {
            byte[] record = HevcRecord.build(vps, sps, pps);
            if (record != null && !Arrays.equals(record, sentConfig)) {
                sentConfig = record;
                sink.config(record);
            }
        }
        if (!au.flush(sink)) {
            discarded++;
        }
    }

    @Override
    public long discarded() {
        return discarded;
    }
}
