package org.estuary.verticles.mixer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class MixerLayoutTest {

    @Test
    void gridOfFourIsTwoByTwoWithPadding() {
        List<Tile> t = MixerLayouts.grid().arrange(List.of("a", "b", "c", "d"), 640, 480);
        assertEquals(new Tile(4, 4, 312, 232), t.get(0));
        assertEquals(new Tile(324, 4, 312, 232), t.get(1));
        assertEquals(new Tile(4, 244, 312, 232), t.get(2));
        assertEquals(new Tile(324, 244, 312, 232), t.get(3));
    }

    @Test
    void gridReflowsAndCentresAnIncompleteRow() {
        List<Tile> three = MixerLayouts.grid().arrange(List.of("a", "b", "c"), 640, 480);
        assertEquals(320, three.get(2).centreX());
        assertEquals(360, three.get(2).centreY());
        List<Tile> one = MixerLayouts.grid().arrange(List.of("a"), 640, 480);
        assertEquals(new Tile(4, 4, 632, 472), one.get(0));
        assertTrue(MixerLayouts.grid().arrange(List.of(), 640, 480).isEmpty());
        // five: three columns, two rows
        List<Tile> five = MixerLayouts.grid().arrange(List.of("a", "b", "c", "d", "e"), 600, 400);
        assertEquals(200, five.get(0).height() + 8);
    }

    @Test
    void centerLayoutHasNoPadding() {
        List<Tile> t = MixerLayouts.byName("CenterNoPaddingGridLayout", "desktop").arrange(List.of("a", "b"), 640, 480);
        // two 4:3 cells side by side, touching, centred vertically
        assertEquals(new Tile(0, 120, 320, 240), t.get(0));
        assertEquals(new Tile(320, 120, 320, 240), t.get(1));
    }

    @Test
    void desktopInputGetsTheBigTile() {
        MixerLayout d = MixerLayouts.byName("desktop", "desktop");
        List<Tile> t = d.arrange(List.of("alice", "bob_desktop", "carol"), 1280, 720);
        assertEquals(new Tile(0, 180, 1280, 540), t.get(1));
        assertTrue(t.get(0).y() < 180 && t.get(2).y() < 180);
        assertTrue(t.get(0).x() + t.get(0).width() <= t.get(2).x());
        // no screen share: a grid
        assertEquals(MixerLayouts.grid().arrange(List.of("a", "b"), 640, 480), d.arrange(List.of("a", "b"), 640, 480));
    }

    @Test
    void namesFromTheReferenceAndOurOwn() {
        assertEquals("grid", MixerLayouts.byName("com.flashphoner.mixerlayout.TestLayout", "d").name());
        assertEquals("grid", MixerLayouts.byName("com.flashphoner.media.mixer.video.presentation.GridLayout", "d").name());
        assertEquals("center", MixerLayouts.byName("center", "d").name());
        assertEquals("desktop", MixerLayouts.byName("DesktopLayout", "d").name());
        assertEquals("grid", MixerLayouts.byName(null, "d").name());
        assertNull(MixerLayouts.byName("com.example.Spiral", "d"));
    }

    @Test
    void fitKeepsTheAspectRatioCentred() {
        Tile t = new Tile(0, 0, 640, 480).fit(1280, 720);
        assertEquals(new Tile(0, 60, 640, 360), t);
        Tile tall = new Tile(0, 0, 640, 480).fit(480, 640);
        assertEquals(480, tall.height());
        assertEquals(320, tall.centreX());
    }

    @Test
    void roomNames() {
        assertEquals(new RoomName("user1", "room1"), RoomName.of("user1#room1"));
        assertNull(RoomName.of("plain"));
        assertNull(RoomName.of("#room"));
        assertNull(RoomName.of("user#"));
        assertNull(RoomName.of("user#bad room"));
    }
}
