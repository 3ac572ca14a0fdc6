package org.estuary.media.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF WAVE files: integer PCM (8/16/24/32 bit), IEEE float (32/64 bit), also in
 * WAVE_FORMAT_EXTENSIBLE, 1 to 8 channels, 8 to 192 kHz. Anything else, a truncated header or
 * an oversized file fails with a {@link WavFormatException} naming the problem.
 */
public final class WavReader {
    /** Larger files are refused: they are decoded fully into memory. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavReader() { }

    public static WavAudio read(Path file) throws IOException, WavFormatException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new WavFormatException(file.getFileName() + " is " + size + " bytes; at most " + MAX_BYTES + " are accepted");
        }
        return parse(Files.readAllBytes(file));
    }

    public static WavAudio parse(byte[] bytes) throws WavFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(bytes, 0, "RIFF") || !tag(bytes, 8, "WAVE")) {
            throw new WavFormatException("not a RIFF WAVE file");
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int blockAlign = 0;
        int bits = 0;
        while (pos <= bytes.length - 8) { // not pos + 8: a huge chunk length leaves pos at Integer.MAX_VALUE (fuzz finding)
            String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long len = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (len < 16 || body + 16 > bytes.length) {
                    throw new WavFormatException("fmt chunk truncated");
                }
                format = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                blockAlign = b.getShort(body + 12) & 0xFFFF;
                bits = b.getShort(body + 14) & 0xFFFF;
                if (format == FORMAT_EXTENSIBLE) {
                    if (len < 40 || body + 26 > bytes.length) {
                        throw new WavFormatException("WAVE_FORMAT_EXTENSIBLE fmt chunk truncated");
                    }
                    format = b.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw new WavFormatException("data chunk before the fmt chunk");
                }
                // streaming writers leave the length at 0 or 0xFFFFFFFF: take what is there
                long avail = bytes.length - body;
                int dataLen = (int) Math.min(len == 0 ? avail : len, avail);
                return decode(b, body, dataLen, format, channels, rate, blockAlign, bits);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + len + (len & 1)); // chunks are word aligned
        }
        throw new WavFormatException(format < 0 ? "no fmt chunk" : "no data chunk");
    }

    private static WavAudio decode(ByteBuffer b, int off, int len, int format, int channels, int rate,
                                   int blockAlign, int bits) throws WavFormatException {
        if (format != FORMAT_PCM && format != FORMAT_FLOAT) {
            throw new WavFormatException("unsupported WAV encoding " + format + " (only PCM and IEEE float)");
        }
        if (channels < 1 || channels > 8) {
            throw new WavFormatException("unsupported channel count " + channels);
        }
        if (rate < 8000 || rate > 192000) {
            throw new WavFormatException("unsupported sample rate " + rate);
        }
        boolean ok = format == FORMAT_PCM ? (bits == 8 || bits == 16 || bits == 24 || bits == 32) : (bits == 32 || bits == 64);
        if (!ok) {
            throw new WavFormatException("unsupported " + bits + "-bit " + (format == FORMAT_PCM ? "PCM" : "float"));
        }
        int bytesPerSample = bits / 8;
        if (blockAlign != bytesPerSample * channels) {
            throw new WavFormatException("inconsistent block align " + blockAlign + " for " + channels + " x " + bits + " bit");
        }
        int frames = len / blockAlign;
        if (frames == 0) {
            throw new WavFormatException("no samples in the data chunk");
        }
        float[][] out = new float[channels][frames];
        int p = off;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = sample(b, p, format, bits);
                p += bytesPerSample;
            }
        }
        return new WavAudio(rate, channels, out);
    }

    private static float sample(ByteBuffer b, int p, int format, int bits) {
        if (format == FORMAT_FLOAT) {
            return bits == 32 ? b.getFloat(p) : (float) b.getDouble(p);
        }
        return switch (bits) {
            case 8 -> ((b.get(p) & 0xFF) - 128) / 128f; // 8-bit WAV is unsigned
            case 16 -> b.getShort(p) / 32768f;
            case 24 -> ((b.get(p) & 0xFF) | (b.get(p + 1) & 0xFF) << 8 | b.get(p + 2) << 16) / 8388608f;
            default -> b.getInt(p) / 2147483648f;
        };
    }

    private static boolean tag(byte[] a, int off, String t) {
        for (int i = 0; i < 4; i++) {
            if (a[off + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
