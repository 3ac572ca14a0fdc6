package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

/** Repeated create/use/close must free the native side (codec contexts, frames, sws contexts). */
class NativeMemoryTest {

    private static void cycle(List<Frame> source, Watermark mark) {
        try (VideoDecoder dec = new VideoDecoder(Codec.H264, null, 1);
             VideoScaler scaler = new VideoScaler(320, 180);
             VideoEncoder enc = new VideoEncoder(VideoEncoderSettings.h264(320, 180, 15, 15, 300))) {
            for (Frame f : source) {
                for (DecodedPicture pic : dec.decode(f)) {
                    try (pic; DecodedPicture small = scaler.scale(pic)) {
                        mark.apply(small, WatermarkPlacement.TOP_LEFT);
                        enc.encode(small);
                    }
                }
            }
            enc.flush();
        }
    }

    @Test
    void fiftyCreateCloseCyclesDoNotGrowNativeMemory() {
        List<Frame> source = VideoRoundTripTest.h264Source(640, 360, 4, 30, 30);
        int[] argb = new int[16 * 16];
        java.util.Arrays.fill(argb, 0xFFFF00FF);
        Watermark mark = Watermark.fromArgb(16, 16, argb);
        for (int i = 0; i < 10; i++) {
            cycle(source, mark);   // warm up: JIT, glibc arenas, the libraries' one-time tables
        }
        System.gc();
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 50; i++) {
            cycle(source, mark);
        }
        System.gc();
        long grown = Pointer.physicalBytes() - before;
        // one leaked 640x360 decoder + encoder is several MB; 50 of them would be hundreds
        assertTrue(grown < 40L * 1024 * 1024, "resident memory grew " + grown / 1024 + " KiB over 50 cycles");
    }
}
