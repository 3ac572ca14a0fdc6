package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicReference;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

class SharedVideoDecoderTest {
    private static final List<Frame> SOURCE = VideoRoundTripTest.h264Source(320, 240, 60, 30, 30);

    /** Luma of every picture, one entry per picture the consumer got. */
    private static List<byte[]> run(SharedVideoDecoder.Handle h, List<Frame> frames) {
        List<byte[]> out = new ArrayList<>();
        for (Frame f : frames) {
            for (DecodedPicture p : h.decode(f)) {
                try (p) {
                    out.add(p.plane(0));
                }
            }
        }
        return out;
    }

    private static List<byte[]> privateDecode(List<Frame> frames) {
        List<byte[]> out = new ArrayList<>();
        try (VideoDecoder d = new VideoDecoder(org.estuary.core.media.Codec.H264, null, 1)) {
            for (Frame f : frames) {
                for (DecodedPicture p : d.decode(f)) {
                    try (p) {
                        out.add(p.plane(0));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Two threads race for every frame (who decodes it is up to the scheduler); a phaser keeps them
     * within a frame of each other, as two transcoders woken by the same arrivals are.
     */
    @Test
    void twoConsumersOnTwoThreadsGetEveryPictureFromOneDecode() throws Exception {
        Object source = new Object();
        List<byte[]> expected = privateDecode(SOURCE);
        assertEquals(60, expected.size());
        Phaser step = new Phaser(2);
        AtomicReference<List<byte[]>> fromB = new AtomicReference<>();
        try (SharedVideoDecoder.Handle a = SharedVideoDecoder.acquire(source);
             SharedVideoDecoder.Handle b = SharedVideoDecoder.acquire(source)) {
            Thread other = new Thread(() -> fromB.set(lockStep(b, step)));
            other.start();
            List<byte[]> fromA = lockStep(a, step);
            other.join(30_000);
            assertEquals(SOURCE.size(), a.decodes(), "each frame decoded once (config included) for both consumers");
            assertEquals(SOURCE.size() - 1, a.taken() + b.taken(), "the other consumer took every media frame's pictures");
            assertEquals(0, a.missed() + b.missed());
            for (List<byte[]> got : List.of(fromA, fromB.get())) {
                assertEquals(expected.size(), got.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), got.get(i), "picture " + i + " as a private decoder makes it");
                }
            }
            a.close();
            assertEquals(1, SharedVideoDecoder.active());
        }
        assertEquals(0, SharedVideoDecoder.active(), "the last handle frees the decoder");
    }

    private static List<byte[]> lockStep(SharedVideoDecoder.Handle h, Phaser step) {
        List<byte[]> out = new ArrayList<>();
        for (Frame f : SOURCE) {
            step.arriveAndAwaitAdvance();
            out.addAll(run(h, List.of(f)));
        }
        return out;
    }

    @Test
    void aLoneConsumerDecodesEveryFrameAndKeepsNoHistory() {
        Object source = new Object();
        List<Frame> twice = new ArrayList<>(SOURCE);
        twice.addAll(SOURCE.subList(31, SOURCE.size()));   // from the second key frame again: a clock gone back
        List<byte[]> expected = privateDecode(twice);
        try (SharedVideoDecoder.Handle h = SharedVideoDecoder.acquire(source)) {
            List<byte[]> got = run(h, twice);
            assertEquals(expected.size(), got.size(), "decoded, not treated as a lag");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i), "picture " + i + " as a private decoder makes it");
            }
            assertEquals(0, h.taken());
            assertEquals(0, h.missed());
        }
    }

    /**
     * A consumer that comes mid-stream replays the cached GOP, which the first one decoded before it
     * came: it decodes it privately and gets the same pictures from the same key frame (adaptive HLS
     * renditions then cut their first segments at the same picture), then joins the shared pictures.
     */
    @Test
    void aConsumerJoiningMidStreamCatchesUpFromTheCachedKeyFrameWithoutDisturbingTheFirst() {
        Object source = new Object();
        List<byte[]> expected = privateDecode(SOURCE);
        try (SharedVideoDecoder.Handle a = SharedVideoDecoder.acquire(source)) {
            List<byte[]> fromA = run(a, SOURCE.subList(0, 41));    // config + 40 pictures
            try (SharedVideoDecoder.Handle b = SharedVideoDecoder.acquire(source)) {
                // b gets the config and the cached GOP (key frame 30 onwards), decoded before it came
                List<Frame> replay = new ArrayList<>(List.of(SOURCE.get(0)));
                replay.addAll(SOURCE.subList(31, 41));
                long decodes = a.decodes();
                List<byte[]> fromB = run(b, replay);
                assertEquals(decodes, a.decodes(), "the catch-up is b's own: the shared decoder did not move");
                assertEquals(10, b.caughtUp());
                assertEquals(0, b.missed());
                // live from here: b reaches each frame first, a takes b's pictures
                for (Frame f : SOURCE.subList(41, SOURCE.size())) {
                    fromB.addAll(run(b, List.of(f)));
                    fromA.addAll(run(a, List.of(f)));
                }
                assertEquals(decodes + 20, a.decodes());
                assertEquals(20, a.taken());
                assertEquals(10, b.caughtUp(), "back on the shared decoder once live");
                assertEquals(expected.size(), fromA.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), fromA.get(i), "the first consumer's picture " + i);
                }
                assertEquals(30, fromB.size(), "every picture from the cached key frame on");
                for (int i = 0; i < 30; i++) {
                    assertArrayEquals(expected.get(30 + i), fromB.get(i), "the newcomer's picture " + i);
                }
            }
        }
        assertEquals(0, SharedVideoDecoder.active());
    }

    /**
     * A consumer that falls more than the history behind cannot take pictures nor feed the shared
     * decoder: it misses pictures up to the next key frame, decodes privately from there until it
     * reaches a kept picture, and never gets a corrupt one.
     */
    @Test
    void aConsumerLaggingBeyondTheHistoryMissesOnlyUpToTheNextKeyFrame() {
        Object source = new Object();
        List<byte[]> expected = privateDecode(SOURCE);
        try (SharedVideoDecoder.Handle a = SharedVideoDecoder.acquire(source);
             SharedVideoDecoder.Handle b = SharedVideoDecoder.acquire(source)) {
            run(b, SOURCE.subList(0, 11));                 // config + 10 pictures, in step
            List<byte[]> fromA = run(a, SOURCE);          // a runs far ahead
            List<byte[]> fromB = run(b, SOURCE.subList(11, SOURCE.size()));
            assertEquals(60, fromA.size());
            assertEquals(20, b.missed(), "pictures 10..29: mid-GOP, behind the history");
            int privately = 60 - 30 - SharedVideoDecoder.HISTORY;
            assertEquals(privately, b.caughtUp(), "from key frame 30 to the kept pictures");
            assertEquals(30, fromB.size());
            for (int i = 0; i < fromB.size(); i++) {
                assertArrayEquals(expected.get(30 + i), fromB.get(i), "picture " + (30 + i));
            }
        }
    }

    @Test
    void aPictureDrawnOnByOneConsumerIsUnchangedForTheOther() {
        Object source = new Object();
        try (SharedVideoDecoder.Handle a = SharedVideoDecoder.acquire(source);
             SharedVideoDecoder.Handle b = SharedVideoDecoder.acquire(source)) {
            a.decode(SOURCE.get(0));
            b.decode(SOURCE.get(0));
            List<DecodedPicture> pa = a.decode(SOURCE.get(1));
            List<DecodedPicture> pb = b.decode(SOURCE.get(1));
            try {
                byte[] before = pb.get(0).plane(0);
                pa.get(0).fill(16, 128, 128);
                assertArrayEquals(before, pb.get(0).plane(0), "drawing copies the shared pixels first");
                assertEquals(16, pa.get(0).plane(0)[0], "the drawing consumer sees its own change");
            } finally {
                pa.forEach(DecodedPicture::close);
                pb.forEach(DecodedPicture::close);
            }
        }
    }
}
