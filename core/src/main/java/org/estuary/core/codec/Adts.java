package org.estuary.core.codec;

/**
 * ADTS headers for raw AAC access units (MPEG-TS and .aac carry AAC with them). ADTS cannot say
 * "SBR" or "PS": HE-AAC goes out as AAC-LC at the core rate, which decoders upgrade implicitly.
 */
public final class Adts {
    public static final int HEADER_SIZE = 7;

    private Adts() { }

    /** The 7-byte header (no CRC) for one access unit of {@code payloadSize} bytes. */
    public static byte[] header(AacConfig config, int payloadSize) {
        int profile = config.objectType() >= 1 && config.objectType() <= 4 ? config.objectType() - 1 : 1;
        int freq = AacConfig.frequencyIndex(config.sampleRate());
        if (freq == 15) {
            freq = 3; // no explicit rate in ADTS: 48 kHz is the least wrong guess
        }
        int channels = config.channels() & 0x7;
        int frameLength = payloadSize + HEADER_SIZE;
        byte[] h = new byte[HEADER_SIZE];
        h[0] = (byte) 0xFF;
        h[1] = (byte) 0xF1; // MPEG-4, layer 0, no CRC
        h[2] = (byte) ((profile << 6) | (freq << 2) | (channels >> 2));
        h[3] = (byte) (((channels & 3) << 6) | (frameLength >> 11));
        h[4] = (byte) ((frameLength >> 3) & 0xFF);
        h[5] = (byte) (((frameLength & 7) << 5) | 0x1F);
        h[6] = (byte) 0xFC;
        return h;
    }
}
