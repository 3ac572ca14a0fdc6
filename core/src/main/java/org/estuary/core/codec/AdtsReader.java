package org.estuary.core.codec;

import java.util.ArrayList;
import java.util.List;

/** Splits ADTS-framed AAC (as MPEG-TS carries it) into raw access units plus their configuration. */
public final class AdtsReader {
    private AdtsReader() { }

    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};

    /** One AAC access unit and the stream parameters from its ADTS header. */
    public record AdtsFrame(int objectType, int sampleRate, int channels, byte[] data) {
        /** The AudioSpecificConfig these parameters describe. */
        public byte[] audioSpecificConfig() {
            return AacConfig.build(objectType, sampleRate, channels);
        }
    }

    /** Every complete ADTS frame in {@code data}; a truncated or corrupt tail is dropped. */
    public static List<AdtsFrame> split(byte[] data) {
        List<AdtsFrame> out = new ArrayList<>();
        int pos = 0;
        while (pos + 7 <= data.length) {
            if ((data[pos] & 0xFF) != 0xFF || (data[pos + 1] & 0xF0) != 0xF0) {
                pos++; // resync on the next syncword
                continue;
            }
            boolean protectionAbsent = (data[pos + 1] & 0x01) == 1;
            int profile = (data[pos + 2] & 0xC0) >>> 6;
            int rateIndex = (data[pos + 2] & 0x3C) >>> 2;
            int channels = ((data[pos + 2] & 0x01) << 2) | ((data[pos + 3] & 0xC0) >>> 6);
            int frameLength = ((data[pos + 3] & 0x03) << 11) | ((data[pos + 4] & 0xFF) << 3) | ((data[pos + 5] & 0xE0) >>> 5);
            int header = protectionAbsent ? 7 : 9;
            if (rateIndex >= RATES.length || frameLength < header || pos + frameLength > data.length) {
                if (pos + frameLength > data.length && rateIndex < RATES.length && frameLength >= header) {
                    break; // truncated last frame
                }
                pos++;
                continue;
            }
            byte[] au = new byte[frameLength - header];
            System.arraycopy(data, pos + header, au, 0, au.length);
            out.add(new AdtsFrame(profile + 1, RATES[rateIndex], channels == 0 ? 2 : channels, au));
            pos += frameLength;
        }
        return out;
    }
}
