package org.estuary.verticles.push;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.estuary.core.media.Codec;
import org.estuary.media.audio.AudioEncoder;

/**
 * One encoded silent AAC-LC access unit per (sample rate, channels), encoded once and shared by
 * every muted transponder: muting costs no encoding per frame. Call from a worker thread (the
 * first call per format runs the encoder).
 */
final class SilenceCache {
    private record Format(int sampleRate, int channels) { }

    private static final ConcurrentHashMap<Format, byte[]> CACHE = new ConcurrentHashMap<>();

    private SilenceCache() { }

    static byte[] silentAccessUnit(int sampleRate, int channels) {
        return CACHE.computeIfAbsent(new Format(sampleRate, channels), f -> {
            try (AudioEncoder enc = new AudioEncoder(Codec.AAC, f.sampleRate(), f.channels(), 64_000)) {
                // the first units carry the encoder's priming; a steady-state one is what we repeat
                List<byte[]> aus = enc.encode(new float[f.channels()][enc.frameSize() * 4]);
                return aus.get(aus.size() - 1);
            }
        });
    }
}
