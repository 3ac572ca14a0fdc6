package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.estuary.core.codec.AvcConfig;

/**
 * H.264 over RTP (RFC 6184, packetization-mode 0 and 1): single NAL units, STAP-A and FU-A.
 * SPS/PPS (from sprop-parameter-sets or in band) become configuration records and are taken out
 * of the access units; access unit delimiters are dropped.
 */
public final class H264Depacketizer implements Depacketizer {
    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private final AccessUnitSink sink;
    private final NalAccessUnit au = new NalAccessUnit();
    private ByteArrayOutputStream fragment;
    private int lastSeq = -1;
    private byte[] sps;
    private byte[] pps;
    private byte[] sentConfig;
    private long discarded;

    public H264Depacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    /** Feeds the SDP's sprop-parameter-sets (comma-separated base64 NAL units); bad base64 is ignored. */
    public void spropParameterSets(String sprop) {
        if (sprop == null) {
            return;
        }
        for (String b64 : sprop.split(",")) {
            try {
                byte[] nal = Base64.getDecoder().decode(b64.trim());
                if (nal.length > 0) {
                    parameterSet(nal);
                }
            } catch (IllegalArgumentException e) {
                discarded++;
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
        if (len < 1 || (p.payloadByte(0) & 0x80) != 0) {
            discarded++;
            au.damaged = true;
        } else {
            int type = p.payloadByte(0) & 0x1F;
            if (type >= 1 && type <= 23) {
                nal(Arrays.copyOfRange(p.data(), p.payloadOffset(), p.payloadOffset() + len));
            } else if (type == STAP_A) {
                stapA(p);
            } else if (type == FU_A) {
                fuA(p);
            } else {
                discarded++; // STAP-B, MTAP, FU-B: only for interleaved mode, which we do not ask for
            }
        }
        if (p.marker()) {
            flush();
        }
    }

    private void stapA(RtpPacket p) {
        int off = p.payloadOffset() + 1;
        int end = p.payloadOffset() + p.payloadLength();
        byte[] d = p.data();
        while (off + 2 <= end) {
            int size = ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
            off += 2;
            if (size == 0 || off + size > end) {
                discarded++;
                au.damaged = true;
                return;
            }
            nal(Arrays.copyOfRange(d, off, off + size));
            off += size;
        }
    }

    private void fuA(RtpPacket p) {
        if (p.payloadLength() < 2) {
            discarded++;
            au.damaged = true;
            return;
        }
        int indicator = p.payloadByte(0);
        int header = p.payloadByte(1);
        boolean start = (header & 0x80) != 0;
        boolean end = (header & 0x40) != 0;
        if (start) {
            fragment = new ByteArrayOutputStream(Math.max(64, p.payloadLength() * 4));
            fragment.write((indicator & 0xE0) | (header & 0x1F));
        } else if (fragment == null) {
            discarded++; // its start was lost
            au.damaged = true;
            return;
        }
        fragment.write(p.data(), p.payloadOffset() + 2, p.payloadLength() - 2);
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
        int type = nal[0] & 0x1F;
        switch (type) {
            case 7, 8 -> parameterSet(nal);
            case 9 -> { } // access unit delimiter: AVCC streams go without
            case 5 -> {
                au.keyframe = true;
                au.add(nal);
            }
            default -> au.add(nal);
        }
    }

    private void parameterSet(byte[] nal) {
        if ((nal[0] & 0x1F) == 7) {
            sps = nal;
        } else if ((nal[0] & 0x1F) == 8) {
            pps = nal;
        }
    }

    private void flush() {
        if (sps != null && pps != null && sps.length >= 4) {
            byte[] record = AvcConfig.build(sps, List.of(pps));
            if (!Arrays.equals(record, sentConfig)) {
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
