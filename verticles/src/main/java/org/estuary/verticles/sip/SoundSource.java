package org.estuary.verticles.sip;

/** A WAV file already converted to 16 kHz mono, played once or in a loop. */
final class SoundSource implements AudioSource {
    private final short[] samples;
    private final boolean loop;
    private int pos;

    SoundSource(short[] samples, boolean loop) {
        this.samples = samples;
        this.loop = loop;
    }

    @Override
    public boolean fill(short[] out) {
        if (samples.length == 0) {
            return false;
        }
        int filled = 0;
        while (filled < out.length) {
            if (pos >= samples.length) {
                if (!loop) {
                    java.util.Arrays.fill(out, filled, out.length, (short) 0);
                    return filled > 0;
                }
                pos = 0;
            }
            int take = Math.min(out.length - filled, samples.length - pos);
            System.arraycopy(samples, pos, out, filled, take);
            pos += take;
            filled += take;
        }
        return true;
    }

    @Override
    public boolean finished() {
        return !loop && pos >= samples.length;
    }
}
