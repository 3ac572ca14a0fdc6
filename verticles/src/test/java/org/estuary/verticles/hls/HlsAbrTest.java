package org.estuary.verticles.hls;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.config.HlsConfig;
import org.junit.jupiter.api.Test;

class HlsAbrTest {
    private static final List<HlsAbr.Profile> DEFAULT = HlsConfig.defaults().abrProfiles().stream()
            .map(HlsAbr.Profile::parse).sorted((a, b) -> b.height() - a.height()).toList();

    private static List<Integer> heights(int source) {
        return HlsAbr.ladderFor(DEFAULT, source).stream().map(HlsAbr.Profile::height).toList();
    }

    @Test
    void aSourceGetsTheProfilesNotTallerThanItselfAndAt720pAtLeastTwo() {
        assertEquals(List.of(720, 360, 240), heights(720));
        assertEquals(List.of(720, 360, 240), heights(1080));
        assertEquals(List.of(360, 240), heights(360));
        assertEquals(List.of(240), heights(300));
    }

    @Test
    void aSourceBelowTheLadderGetsTheSmallestProfileAtItsOwnHeight() {
        List<HlsAbr.Profile> small = HlsAbr.ladderFor(DEFAULT, 145);
        assertEquals(1, small.size());
        assertEquals(144, small.get(0).height(), "never upscaled, even height");
        assertEquals(400, small.get(0).kbps());
    }

    @Test
    void profileEntriesParseWithAndWithoutFps() {
        assertEquals(new HlsAbr.Profile(720, 2500, 0), HlsAbr.Profile.parse("720:2500"));
        assertEquals(new HlsAbr.Profile(360, 800, 15), HlsAbr.Profile.parse("360:800:15"));
        assertTrue("360:800:15".matches(HlsConfig.ABR_PROFILE));
        assertFalse("360p:800".matches(HlsConfig.ABR_PROFILE));
    }

    @Test
    void onlyTheSuffixedNameIsAnAbrName() {
        assertEquals("cam", HlsAbr.sourceOf("cam-HLS-ABR-STREAM"));
        assertNull(HlsAbr.sourceOf("-HLS-ABR-STREAM"));
        assertNull(HlsAbr.sourceOf("cam"));
        assertNull(HlsAbr.sourceOf(null));
    }
}
