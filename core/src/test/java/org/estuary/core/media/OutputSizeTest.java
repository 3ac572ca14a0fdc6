package org.estuary.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class OutputSizeTest {
    @Test
    void zeroFollowsTheSource() {
        assertArrayEquals(new int[] {1280, 720}, OutputSize.of(0, 0, 1280, 720));
    }

    @Test
    void oneSideGivenKeepsTheAspectRatioAndEvenSides() {
        assertArrayEquals(new int[] {640, 360}, OutputSize.of(640, 0, 1280, 720));
        assertArrayEquals(new int[] {284, 160}, OutputSize.of(0, 160, 1280, 720)); // 284.4 -> 284
        assertArrayEquals(new int[] {160, 96}, OutputSize.of(160, 0, 320, 193)); // 96.5 -> 97 -> even 96
    }

    @Test
    void sidesAreClampedTo16Through4096() {
        assertArrayEquals(new int[] {16, 16}, OutputSize.of(2, 3, 320, 240));
        assertArrayEquals(new int[] {4096, 4096}, OutputSize.of(9000, 5000, 320, 240));
    }
}
