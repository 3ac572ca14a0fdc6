package org.estuary.verticles.mixer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlLayoutTest {

    private static XmlLayout layout(String xml) throws Exception {
        return new XmlLayout("t.mix", XmlLayoutParser.parse("t.mix", xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String badMessage(String xml) {
        return assertThrows(XmlLayoutParser.BadLayout.class,
                () -> XmlLayoutParser.parse("t.mix", xml.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    @Test
    void wcsThreeParticipantExamplePlacesBoxesByAlign() throws Exception {
        // the 640x360 three-participant example of WCS's documentation
        XmlLayout l = layout("""
                <?xml version="1.0" encoding="utf-8"?>
                <body xsi:noNamespaceSchemaLocation="schema.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <div width="320" height="180" padding-left="0" padding-right="0" padding-bottom="0" align="LEFT">
                    <video crop="false">test1.*</video>
                  </div>
                  <div width="320" height="180" align="RIGHT"><video>test2.*</video></div>
                  <div width="320" height="180" align="BOTTOM_CENTER"><video>test3.*</video></div>
                </body>""");
        List<Tile> t = l.arrange(List.of("test3", "test1", "test2"), Arrays.asList(null, null, null), 640, 360);
        assertEquals(new Tile(160, 180, 320, 180), t.get(0));
        assertEquals(new Tile(0, 0, 320, 180), t.get(1));
        assertEquals(new Tile(320, 0, 320, 180), t.get(2));
    }

    @Test
    void columnsRowsPercentsAndInlineRuns() throws Exception {
        XmlLayout l = layout("""
                <body>
                  <row height="1row" align="INLINE_VERTICAL_CENTER">
                    <div width="1col" height="100%" align="INLINE_HORIZONTAL_CENTER"><video width="50%" align="CENTER"/></div>
                    <div width="1col" height="100%" align="INLINE_HORIZONTAL_CENTER"><video crop="true"/></div>
                  </row>
                  <row height="1row" align="INLINE_VERTICAL_CENTER" padding-top="20">
                    <video width="100" height="50" x="10" y="-5" align="BOTTOM_RIGHT"/>
                  </row>
                </body>""");
        List<XmlLayout.Position> p = l.positions(800, 600);
        assertEquals(3, p.size());
        assertEquals(new Tile(100, 0, 200, 300), p.get(0).tile());   // half of a 400-wide column, centred
        assertEquals(new Tile(400, 0, 400, 300, true), p.get(1).tile());
        assertEquals(new Tile(800 - 100 + 10, 600 - 50 - 5, 100, 50), p.get(2).tile());
    }

    @Test
    void positionIdsThenTemplatesThenOrder() throws Exception {
        XmlLayout l = layout("""
                <body>
                  <video width="50%" height="50%" align="TOP_LEFT" id="speaker"/>
                  <video width="50%" height="50%" align="TOP_RIGHT">.*_desktop.*</video>
                  <video width="50%" height="50%" align="BOTTOM_LEFT" value="guest.*"/>
                  <video width="50%" height="50%" align="BOTTOM_RIGHT"/>
                </body>""");
        Tile tl = new Tile(0, 0, 320, 240);
        Tile tr = new Tile(320, 0, 320, 240);
        Tile br = new Tile(320, 240, 320, 240);
        // no ids asked: "alice" takes the first template-less video, "bob" the next
        assertEquals(List.of(tl, br), l.arrange(List.of("alice", "bob"), Arrays.asList(null, null), 640, 480));
        // bob asks for the speaker place; alice moves on; the desktop goes to its template
        assertEquals(List.of(br, tl, tr), l.arrange(List.of("alice", "bob", "bob_desktop"),
                Arrays.asList(null, "speaker", null), 640, 480));
        // more inputs than places: the last one has none
        List<Tile> four = l.arrange(List.of("a", "b", "c", "d"), Arrays.asList(null, null, null, null), 640, 480);
        assertEquals(Arrays.asList(tl, br, null, null), four);
        assertTrue(l.hasId("speaker"));
        assertFalse(l.hasId("nobody"));
    }

    @Test
    void mistakesNameTheLine() {
        assertTrue(badMessage("<body>\n  <video width=\"wide\"/>\n</body>").startsWith("t.mix:2: width=\"wide\""));
        assertTrue(badMessage("<body>\n\n  <span/>\n</body>").startsWith("t.mix:3: unknown element <span>"));
        assertTrue(badMessage("<layout/>").contains("root element must be <body>"));
        assertTrue(badMessage("<body>\n<video id=\"a\"/>\n<video id=\"a\"/></body>").startsWith("t.mix:3: id \"a\""));
        assertTrue(badMessage("<body><video align=\"MIDDLE\"/></body>").contains("align=\"MIDDLE\""));
        assertTrue(badMessage("<body><video>([</video></body>").contains("not a regular expression"));
        assertTrue(badMessage("<body><video width=\"50%\"/><video width=\"1col\"/></body>").contains("mix percents"));
        assertTrue(badMessage("<body><video colour=\"red\"/></body>").contains("unknown attribute 'colour'"));
        assertTrue(badMessage("<body><video><video/></video></body>").contains("cannot contain elements"));
        assertTrue(badMessage("<body><video>").startsWith("t.mix:1:"), "unclosed elements are an XML error with a line");
        // no DOCTYPE, so no external entities can be read
        assertTrue(badMessage("<?xml version=\"1.0\"?>\n<!DOCTYPE body [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "\n<body><video>&x;</video></body>").startsWith("t.mix:2:"));
    }

    @Test
    void folderNeedsOneFilePerCountWithEnoughVideos(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1_one.mix"), "<body><video/></body>");
        Files.writeString(dir.resolve("2_two.mix"), "<body><video width=\"50%\"/><video width=\"50%\" align=\"RIGHT\"/></body>");
        Files.writeString(dir.resolve("readme.txt"), "not a layout");
        XmlLayoutFolder f = XmlLayoutFolder.load(dir, "d", "desktop", MixerLayouts.grid());
        assertEquals(List.of(new Tile(0, 0, 640, 480)), f.arrange(List.of("a"), 640, 480));
        assertEquals(new Tile(320, 0, 320, 480), f.arrange(List.of("a", "b"), 640, 480).get(1));
        // no file for three: the mixerLayoutClass layout
        assertEquals(MixerLayouts.grid().arrange(List.of("a", "b", "c"), 640, 480),
                f.arrange(List.of("a", "b", "c"), 640, 480));

        Files.writeString(dir.resolve("2_again.mix"), "<body><video/><video/></body>");
        String two = assertThrows(XmlLayoutParser.BadLayout.class,
                () -> XmlLayoutFolder.load(dir, "d", "desktop", MixerLayouts.grid())).getMessage();
        assertTrue(two.contains("two layout files for 2 participants"), two);
        Files.delete(dir.resolve("2_again.mix"));
        Files.writeString(dir.resolve("3_short.mix"), "<body>\n<video/>\n</body>");
        String few = assertThrows(XmlLayoutParser.BadLayout.class,
                () -> XmlLayoutFolder.load(dir, "d", "desktop", MixerLayouts.grid())).getMessage();
        assertTrue(few.contains("3_short.mix: 3 participants but only 1"), few);
    }

    @Test
    void coverFillsTheTileAroundItsCentre() {
        Tile t = new Tile(100, 100, 200, 200, true);
        Tile c = t.cover(320, 240);   // 4:3 picture into a square: wider than the tile, same height
        assertEquals(200, c.height());
        assertTrue(c.width() >= 266 && c.width() <= 268, c.toString());
        assertEquals(100 - (c.width() - 200) / 2, c.x());
    }
}
