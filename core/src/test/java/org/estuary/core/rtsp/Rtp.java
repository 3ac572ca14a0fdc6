package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: RTP packets and a recording access-unit sink. */
final class Rtp {
    private Rtp() { }

    static RtpPacket packet(int seq, long ts, boolean marker, byte[] payload) {
        byte[] b = new byte[12 + payload.length];
        b[0] = (byte) 0x80;
        b[1] = (byte) ((marker ? 0x80 : 0) | 96);
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (ts >> 24);
        b[5] = (byte) (ts >> 16);
        b[6] = (byte) (ts >> 8);
        b[7] = (byte) ts;
        b[11] = 1;
        System.arraycopy(payload, 0, b, 12, payload.length);
        return RtpPacket.parse(b);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static final class Sink implements AccessUnitSink {
        record Unit(long ts, byte[] payload, boolean key) { }

        final List<Unit> units = new ArrayList<>();
        final List<byte[]> configs = new ArrayList<>();

        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
            units.add(new Unit(rtpTimestamp, payload, keyframe));
        }

        @Override
        public void config(byte[] record) {
            configs.add(record);
        }
    }
}
