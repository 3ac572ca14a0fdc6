package org.estuary.media.video;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    @Test
    void splitsThreeAndFourByteStartCodesAndDropsTrailingZeros() {
        byte[] data = {0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 5, 6};
        List<byte[]> nals = AnnexB.split(data);
        assertEquals(3, nals.size());
        assertArrayEquals(new byte[] {0x67, 1, 2}, nals.get(0));
        assertArrayEquals(new byte[] {0x68, 3}, nals.get(1));
        assertArrayEquals(new byte[] {0x65, 4, 5, 6}, nals.get(2));
        assertEquals(7, AnnexB.h264Type(nals.get(0)));
        assertEquals(5, AnnexB.h264Type(nals.get(2)));
    }

    @Test
    void lengthPrefixesEachNal() {
        byte[] out = AnnexB.lengthPrefixed(List.of(new byte[] {0x65, 1}, new byte[] {0x41}));
        assertArrayEquals(new byte[] {0, 0, 0, 2, 0x65, 1, 0, 0, 0, 1, 0x41}, out);
    }

    @Test
    void noStartCodeMeansNoNals() {
        assertTrue(AnnexB.split(new byte[] {1, 2, 3, 4}).isEmpty());
    }
}
