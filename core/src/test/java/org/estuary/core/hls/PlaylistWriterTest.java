package org.estuary.core.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlaylistWriterTest {
    @Test
    void durationsHaveThreeDecimalsLikeFormatDid() {
        for (double v : new double[] {0, 0.05, 1.0 / 3, 2.002, 12.3456, 4.0, 0.999, 0.0004, 6.006, 1999.9999}) {
            assertEquals(String.format(Locale.ROOT, "%.3f", v), PlaylistWriter.num(v), "for " + v);
        }
    }
}
