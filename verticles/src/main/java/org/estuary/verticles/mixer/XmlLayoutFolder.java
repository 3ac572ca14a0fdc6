package org.estuary.verticles.mixer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WCS layout folder ({@code mixerLayoutDir}): one {@code <N>_<anything>.mix} file per number of
 * participants N, and optionally {@code <N>_<anything>.desktopmix} files used instead while a
 * screen-sharing input (name containing {@code mixer.desktopKeyword}) is in the mixer. With no file
 * for the current count the mixer's {@code mixerLayoutClass} arranges the inputs (and with a
 * screen share but no {@code .desktopmix}, the desktop layout does, as in WCS). All files are
 * read and checked when the folder is chosen, so a mistake answers then, naming file and line.
 */
final class XmlLayoutFolder implements MixerLayout {
    static final int MAX_FILES = 200;
    static final int MAX_FILE_BYTES = 256 * 1024;
    private static final Pattern NAME = Pattern.compile("(\\d{1,4})_[^/]*\\.(mix|desktopmix)");

    /** The folder as the request (or configuration) named it, echoed as {@code mixerLayoutDir}. */
    final String name;
    private final Map<Integer, XmlLayout> mix;
    private final Map<Integer, XmlLayout> desktop;
    private final String desktopKeyword;
    final MixerLayout fallback;

    private XmlLayoutFolder(String name, Map<Integer, XmlLayout> mix, Map<Integer, XmlLayout> desktop,
                            String desktopKeyword, MixerLayout fallback) {
        this.name = name;
        this.mix = mix;
        this.desktop = desktop;
        this.desktopKeyword = desktopKeyword;
        this.fallback = fallback;
    }

    /** Blocking: reads and checks every layout file of {@code dir}. */
    static XmlLayoutFolder load(Path dir, String name, String desktopKeyword, MixerLayout fallback)
            throws XmlLayoutParser.BadLayout, IOException {
        Map<Integer, XmlLayout> mix = new TreeMap<>();
        Map<Integer, XmlLayout> desk = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    files.add(p);
                }
            }
        }
        if (files.size() > MAX_FILES) {
            throw new XmlLayoutParser.BadLayout(name + ": more than " + MAX_FILES + " layout files");
        }
        Collections.sort(files);
        for (Path p : files) {
            String file = p.getFileName().toString();
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new XmlLayoutParser.BadLayout(file + ": not a regular file");
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                throw new XmlLayoutParser.BadLayout(file + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            Matcher m = NAME.matcher(file);
            m.matches();
            int n = Integer.parseInt(m.group(1));
            XmlLayout layout = new XmlLayout(file, XmlLayoutParser.parse(file, Files.readAllBytes(p)));
            if (n == 0) {
                throw new XmlLayoutParser.BadLayout(file + ": the participant count must be at least 1");
            }
            if (layout.videoCount() < n) {
                throw new XmlLayoutParser.BadLayout(file + ": " + n + " participants but only "
                        + layout.videoCount() + " <video> element(s)");
            }
            XmlLayout before = (m.group(2).equals("mix") ? mix : desk).put(n, layout);
            if (before != null) {
                throw new XmlLayoutParser.BadLayout("two layout files for " + n + " participants: " + before.file
                        + " and " + file + " (one file per count)");
            }
        }
        if (mix.isEmpty()) {
            throw new XmlLayoutParser.BadLayout(name + ": no <N>_<name>.mix layout file");
        }
        return new XmlLayoutFolder(name, mix, desk, desktopKeyword, fallback);
    }

    /** Whether some file of the folder has a video with this {@code id}. */
    boolean hasPosition(String id) {
        for (XmlLayout l : mix.values()) {
            if (l.hasId(id)) {
                return true;
            }
        }
        for (XmlLayout l : desktop.values()) {
            if (l.hasId(id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String name() {
        return fallback.name();
    }

    @Override
    public List<Tile> arrange(List<String> inputNames, int width, int height) {
        return arrange(inputNames, Collections.nCopies(inputNames.size(), null), width, height);
    }

    @Override
    public List<Tile> arrange(List<String> names, List<String> positionIds, int width, int height) {
        int n = names.size();
        DesktopLayout screen = new DesktopLayout(desktopKeyword, fallback);
        if (screen.desktopIndex(names) >= 0) {
            XmlLayout d = desktop.get(n);
            return d != null ? d.arrange(names, positionIds, width, height) : screen.arrange(names, width, height);
        }
        XmlLayout l = mix.get(n);
        return l != null ? l.arrange(names, positionIds, width, height) : fallback.arrange(names, width, height);
    }
}
