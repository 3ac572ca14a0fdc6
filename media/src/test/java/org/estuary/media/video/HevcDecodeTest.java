package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mp4.Mp4Reader;
import org.estuary.core.mp4.Mp4TrackIndex;
import org.junit.jupiter.api.Test;

/**
 * H.265 decode from the hub's form (hvcC config frame + length-prefixed NAL units). The default
 * FFmpeg build has no HEVC encoder, so the system ffmpeg (libx265, a test peer) makes the MP4.
 */
class HevcDecodeTest {

    @Test
    void decodesHevcFromAnMp4InHubForm() throws Exception {
        Path dir = Files.createTempDirectory("estuary-hevc");
        Path mp4 = dir.resolve("hevc.mp4");
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-v", "error", "-f", "lavfi",
                    "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "10", "-c:v", "libx265",
                    "-x265-params", "log-level=error", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", mp4.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), "system ffmpeg with libx265 is a test peer (apt-get install ffmpeg): " + out);
            byte[] file = Files.readAllBytes(mp4);
            List<Mp4TrackIndex> tracks = Mp4Reader.read(new Mp4Reader.Source() {
                @Override
                public long size() {
                    return file.length;
                }

                @Override
                public void read(long pos, byte[] dst, int off, int len) throws IOException {
                    System.arraycopy(file, (int) pos, dst, off, len);
                }
            });
            Mp4TrackIndex t = tracks.get(0);
            assertEquals(Codec.H265, t.codec());
            List<Frame> frames = new ArrayList<>();
            frames.add(Frame.config(Codec.H265, 0, t.config()));
            for (int i = 0; i < t.sampleCount(); i++) {
                byte[] sample = new byte[t.sizes()[i]];
                System.arraycopy(file, (int) t.offsets()[i], sample, 0, sample.length);
                frames.add(Frame.media(Codec.H265, t.dtsUs(i), t.ptsUs(i), t.sync()[i], sample));
            }
            int decoded = 0;
            try (VideoDecoder dec = new VideoDecoder(Codec.H265, null, 1)) {
                for (Frame f : frames) {
                    for (DecodedPicture pic : dec.decode(f)) {
                        try (pic) {
                            assertEquals(320, pic.width());
                            assertEquals(240, pic.height());
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
            assertEquals(10, decoded);
        } finally {
            Files.deleteIfExists(mp4);
            Files.deleteIfExists(dir);
        }
    }
}
