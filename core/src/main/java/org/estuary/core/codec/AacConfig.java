package org.estuary.core.codec;

/**
 * The leading fields of an MPEG-4 AudioSpecificConfig.
 *
 * @param objectType audio object type (2 = AAC-LC, 5 = SBR, 29 = PS, ...)
 * @param sampleRate sampling rate in Hz of the core (for explicit SBR/PS: of the base layer)
 * @param channels   channel count, 0 if defined by a program config element
 */
public record AacConfig(int objectType, int sampleRate, int channels) {
    private static final int[] RATES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
    };

    public static AacConfig parse(byte[] asc) throws CodecConfigException {
        BitReader r = new BitReader(asc);
        int objectType = r.readUnsigned(5);
        if (objectType == 31) { // escape: the real type follows in 6 bits
            objectType = 32 + r.readUnsigned(6);
        }
        int rate = sampleRate(r);
        int channelConfig = r.readUnsigned(4);
        int channels = switch (channelConfig) {
            case 0 -> 0;
            case 7 -> 8;
            default -> channelConfig <= 6 ? channelConfig : 0;
        };
        return new AacConfig(objectType, rate, channels);
    }

    private static int sampleRate(BitReader r) throws CodecConfigException {
        int index = r.readUnsigned(4);
        if (index == 15) {
            return r.readUnsigned(24); // explicit rate
        }
        if (index >= RATES.length) {
            throw new CodecConfigException("reserved AAC sampling frequency index " + index);
        }
        return RATES[index];
    }

    /** Sampling frequency index for a rate, or 15 if it needs the explicit form. */
    public static int frequencyIndex(int sampleRate) {
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == sampleRate) {
                return i;
            }
        }
        return 15;
    }

    /** Builds a 2-byte (or 5-byte, for unusual rates) AudioSpecificConfig. */
    public static byte[] build(int objectType, int sampleRate, int channels) {
        int idx = frequencyIndex(sampleRate);
        int channelConfig = channels == 8 ? 7 : channels;
        if (idx != 15) {
            int v = objectType << 11 | idx << 7 | channelConfig << 3;
            return new byte[] {(byte) (v >>> 8), (byte) v};
        }
        long v = (long) objectType << 35 | 15L << 31 | (long) sampleRate << 7 | (long) channelConfig << 3;
        return new byte[] {(byte) (v >>> 32), (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
