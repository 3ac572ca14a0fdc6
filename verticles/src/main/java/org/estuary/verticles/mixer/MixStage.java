package org.estuary.verticles.mixer;

import java.util.List;
import org.estuary.media.audio.PcmMixer;
import org.estuary.media.pipeline.Output;
import org.estuary.media.pipeline.Stage;

/**
 * The mix stage: for each audio tick ({@code n} samples due), every input's next {@code n}
 * samples at its level, summed (silence where an input has none, so a stalled input never stalls
 * the output).
 */
final class MixStage implements Stage<Integer, float[][]> {
    private final List<MixerInput> inputs;
    private final int channels;

    MixStage(List<MixerInput> inputs, int channels) {
        this.inputs = inputs;
        this.channels = channels;
    }

    @Override
    public void process(Integer n, Output<float[][]> out) {
        float[][] mix = new float[channels][n];
        for (MixerInput in : inputs) {
            if (!in.wantAudio) {
                continue;
            }
            float[][] pcm = in.readAudio(n);
            int level = in.audioLevel();
            if (level > 0) {
                mix = PcmMixer.mix(mix, 1f, pcm, level / 100f);
            }
        }
        out.emit(mix);
    }
}
