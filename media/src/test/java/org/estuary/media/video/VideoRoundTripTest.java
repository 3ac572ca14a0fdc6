package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

class VideoRoundTripTest {

    /** 720p H.264 made by the encoder itself, as a source stream would carry it. */
    static List<Frame> h264Source(int width, int height, int count, int fps, int gop) {
        List<Frame> frames = new ArrayList<>();
        try (VideoEncoder enc = new VideoEncoder(VideoEncoderSettings.h264(width, height, fps, gop, 2000))) {
            for (int i = 0; i < count; i++) {
                try (DecodedPicture p = TestPictures.moving(width, height, i, i * 1_000_000L / fps)) {
                    frames.addAll(enc.encode(p));
                }
            }
            frames.addAll(enc.flush());
        }
        return frames;
    }

    @Test
    void encoderEmitsAvccWithAConfigFrameFirst() throws Exception {
        List<Frame> frames = h264Source(320, 240, 20, 30, 10);
        Frame first = frames.get(0);
        assertTrue(first.isConfig(), "config frame first: " + first);
        AvcConfig cfg = AvcConfig.parse(first.payload());
        H264Sps sps = cfg.firstSps();
        assertEquals(320, sps.width());
        assertEquals(240, sps.height());
        List<Frame> media = frames.stream().filter(f -> !f.isConfig()).toList();
        assertEquals(20, media.size());
        for (Frame f : media) {
            byte[] p = f.payload();
            boolean slice = false;
            for (int pos = 0; pos < p.length;) {
                int len = ((p[pos] & 0xFF) << 24) | ((p[pos + 1] & 0xFF) << 16) | ((p[pos + 2] & 0xFF) << 8) | (p[pos + 3] & 0xFF);
                assertTrue(len > 0 && pos + 4 + len <= p.length, "length-prefixed NALs fill the frame");
                int type = p[pos + 4] & 0x1F;
                assertFalse(type == 7 || type == 8 || type == 9, "parameter sets and AUDs removed: " + type);
                slice |= type == 1 || type == 5;
                pos += 4 + len;
            }
            assertTrue(slice, "every media frame carries a slice");
        }
        for (int i = 0; i < media.size(); i++) {
            assertEquals(i % 10 == 0, media.get(i).isKeyframe(), "keyframe every 10th picture, frame " + i);
            assertEquals(i * 1_000_000L / 30, media.get(i).ptsUs());
        }
    }

    @Test
    void decodeScaleEncodeRoundTripGivesDecodableH264OfTheAskedSize() throws Exception {
        List<Frame> source = h264Source(1280, 720, 30, 30, 30);
        List<Frame> output = new ArrayList<>();
        try (Pipeline<Frame, Frame> p = Pipeline.<Frame>builder()
                .then("decode", VideoStages.decode(new VideoDecoder(Codec.H264, null, 1)))
                .then("scale", VideoStages.scale(new VideoScaler(640, 360)))
                .then("fps", VideoStages.frameRate(new FrameRateConverter(15)))
                .then("encode", VideoStages.encode(new VideoEncoder(VideoEncoderSettings.h264(640, 360, 15, 5, 500))))
                .build()) {
            for (Frame f : source) {
                p.push(f, output::add);
            }
            p.flush(output::add);
            assertEquals("decode -> scale -> fps -> encode", p.describe());
            var stats = p.stats();
            assertEquals(source.size(), stats.get(0).framesIn());
            assertEquals(30, stats.get(0).framesOut(), "every picture decoded");
            assertEquals(15, stats.get(2).framesOut(), "30 fps -> 15 fps");
            assertEquals(15, stats.get(2).dropped());
            assertEquals(15, stats.get(3).framesIn());
        }
        AvcConfig cfg = AvcConfig.parse(output.get(0).payload());
        assertEquals(640, cfg.firstSps().width());
        assertEquals(360, cfg.firstSps().height());
        List<Frame> media = output.stream().filter(f -> !f.isConfig()).toList();
        assertEquals(15, media.size());
        assertEquals(3, media.stream().filter(Frame::isKeyframe).count(), "keyframe every 5 pictures");
        // decodable: every frame comes back as a 640x360 picture
        int decoded = 0;
        try (VideoDecoder dec = new VideoDecoder(Codec.H264, null, 1)) {
            for (Frame f : output) {
                for (DecodedPicture pic : dec.decode(f)) {
                    try (pic) {
                        assertEquals(640, pic.width());
                        assertEquals(360, pic.height());
                        decoded++;
                    }
                }
            }
            for (DecodedPicture pic : dec.flush()) {
                pic.close();
                decoded++;
            }
            assertEquals(0, dec.errors());
        }
        assertEquals(15, decoded);
    }

    @Test
    void decoderFollowsANewConfigWithANewResolution() {
        List<Frame> small = h264Source(320, 240, 3, 30, 30);
        List<Frame> big = h264Source(640, 480, 3, 30, 30);
        List<String> sizes = new ArrayList<>();
        try (VideoDecoder dec = new VideoDecoder(Codec.H264, null, 1)) {
            for (Frame f : concat(small, big)) {
                for (DecodedPicture pic : dec.decode(f)) {
                    try (pic) {
                        sizes.add(pic.width() + "x" + pic.height());
                    }
                }
            }
            for (DecodedPicture pic : dec.flush()) {
                try (pic) {
                    sizes.add(pic.width() + "x" + pic.height());
                }
            }
        }
        assertEquals(List.of("320x240", "320x240", "320x240", "640x480", "640x480", "640x480"), sizes);
    }

    @Test
    void vp8Vp9Av1RoundTrip() {
        for (Codec codec : List.of(Codec.VP8, Codec.VP9, Codec.AV1)) {
            List<Frame> frames = new ArrayList<>();
            VideoEncoderSettings s = new VideoEncoderSettings(codec, null, 160, 96, 15, 15, 300, 1);
            try (VideoEncoder enc = new VideoEncoder(s)) {
                for (int i = 0; i < 5; i++) {
                    try (DecodedPicture p = TestPictures.moving(160, 96, i, i * 66_666L)) {
                        frames.addAll(enc.encode(p));
                    }
                }
                frames.addAll(enc.flush());
            }
            assertTrue(frames.get(0).isKeyframe(), codec + " starts with a keyframe");
            int decoded = 0;
            try (VideoDecoder dec = new VideoDecoder(codec, null, 1)) {
                for (Frame f : frames) {
                    for (DecodedPicture pic : dec.decode(f)) {
                        try (pic) {
                            assertEquals(160, pic.width());
                            decoded++;
                        }
                    }
                }
                for (DecodedPicture pic : dec.flush()) {
                    pic.close();
                    decoded++;
                }
            }
            assertEquals(5, decoded, codec + " pictures decoded");
        }
    }

    @Test
    void wrongPictureSizeIsRefused() {
        try (VideoEncoder enc = new VideoEncoder(VideoEncoderSettings.h264(320, 240, 30, 30, 500));
             DecodedPicture p = DecodedPicture.allocate(640, 480, 0)) {
            assertThrows(org.estuary.media.audio.MediaException.class, () -> enc.encode(p));
        }
        assertThrows(org.estuary.media.audio.MediaException.class,
                () -> new VideoEncoder(VideoEncoderSettings.h264(321, 240, 30, 30, 500)));
        assertThrows(org.estuary.media.audio.MediaException.class,
                () -> new VideoEncoder(VideoEncoderSettings.h264(320, 240, 0, 30, 500)));
    }

    private static List<Frame> concat(List<Frame> a, List<Frame> b) {
        List<Frame> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
