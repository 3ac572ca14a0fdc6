package org.estuary.core.hls;

import java.util.HexFormat;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/** Real codec configuration (x264 baseline 640x360, AAC-LC 48 kHz stereo) and synthetic access units. */
public final class TestMedia {
    public static final byte[] AVC_RECORD = HexFormat.of().parseHex(
            "0142c01effe100196742c01eda0280bfe5c044000003000400000300f23c58ba8001000468ce3c80");
    public static final byte[] AAC_ASC = {0x11, (byte) 0x90};

    private TestMedia() { }

    public static Frame videoConfig() {
        return Frame.config(Codec.H264, 0, AVC_RECORD);
    }

    public static Frame audioConfig() {
        return Frame.config(Codec.AAC, 0, AAC_ASC);
    }

    /** One length-prefixed NAL unit: IDR slice (type 5) for keyframes, else non-IDR (type 1). */
    public static Frame video(long dtsUs, long ptsUs, boolean key, int size) {
        byte[] p = new byte[4 + size];
        p[0] = (byte) (size >>> 24);
        p[1] = (byte) (size >>> 16);
        p[2] = (byte) (size >>> 8);
        p[3] = (byte) size;
        p[4] = (byte) (key ? 0x65 : 0x41);
        for (int i = 5; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return Frame.media(Codec.H264, dtsUs, ptsUs, key, p);
    }

    public static Frame audio(long ptsUs, int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (i * 3 + 1);
        }
        return Frame.media(Codec.AAC, ptsUs, ptsUs, true, p);
    }
}
