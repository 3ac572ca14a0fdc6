package org.estuary.verticles.mixer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.estuary.verticles.mixer.XmlLayoutNode.Align;
import org.estuary.verticles.mixer.XmlLayoutNode.Size;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one WCS mixer layout file ({@code <body>} with {@code row}, {@code div} and {@code video}
 * elements, the format of WCS's "Custom mixer layout configuration with a special markup language")
 * into {@link XmlLayoutNode}s, checking every attribute so that a mistake is reported with the
 * file's line instead of drawing something unexpected. DOCTYPEs are refused (no external entities).
 */
final class XmlLayoutParser {
    private static final Logger LOG = LoggerFactory.getLogger(XmlLayoutParser.class);
    static final int MAX_ELEMENTS = 1000;
    static final int MAX_DEPTH = 32;
    private static final int MAX_PIXELS = 10_000;
    private static final Set<String> BOX = Set.of("width", "height", "x", "y", "padding-left", "padding-right",
            "padding-top", "padding-bottom", "align", "watermark");
    private static final Set<String> VIDEO_ONLY = Set.of("crop", "id", "value");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5}(?:\\.\\d{1,3})?)\\s*(px|%|col|row)?");

    /** A layout file that cannot be used; the message names the file and line. */
    static final class BadLayout extends Exception {
        BadLayout(String message) {
            super(message);
        }
    }

    private XmlLayoutParser() { }

    /** The {@code body} of {@code xml}; {@code file} names it in error messages. */
    static XmlLayoutNode parse(String file, byte[] xml) throws BadLayout {
        Handler h = new Handler(file);
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.newSAXParser().parse(new ByteArrayInputStream(xml), h);
        } catch (SAXParseException e) {
            throw new BadLayout(file + ":" + e.getLineNumber() + ": " + e.getMessage());
        } catch (SAXException e) {
            throw new BadLayout(e.getMessage());
        } catch (ParserConfigurationException | IOException e) {
            throw new BadLayout(file + ": " + e.getMessage());
        }
        if (h.root == null) {
            throw new BadLayout(file + ": no <body> element");
        }
        return h.root;
    }

    /** Builds nodes as elements close; every error is a SAXException carrying "file:line: why". */
    private static final class Handler extends DefaultHandler {
        private final String file;
        private final Deque<Open> open = new ArrayDeque<>();
        private final Set<String> ids = new HashSet<>();
        private Locator locator;
        private int elements;
        XmlLayoutNode root;

        Handler(String file) {
            this.file = file;
        }

        /** An element whose end tag is still to come. */
        private record Open(String tag, int line, Map<String, String> attrs, StringBuilder text,
                            List<XmlLayoutNode> children) { }

        @Override
        public void setDocumentLocator(Locator l) {
            this.locator = l;
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }

        private SAXException bad(int line, String why) {
            return new SAXException(file + ":" + line + ": " + why);
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes a) throws SAXException {
            String tag = qName;
            if (open.isEmpty() && (!tag.equals("body") || root != null)) {
                throw bad(line(), "the root element must be <body>, found <" + tag + ">");
            }
            if (!open.isEmpty() && !List.of("row", "div", "video").contains(tag)) {
                throw bad(line(), "unknown element <" + tag + "> (use row, div or video)");
            }
            if (!open.isEmpty() && open.peek().tag().equals("video")) {
                throw bad(line(), "<video> cannot contain elements (found <" + tag + ">)");
            }
            if (++elements > MAX_ELEMENTS || open.size() >= MAX_DEPTH) {
                throw bad(line(), "layout too large (at most " + MAX_ELEMENTS + " elements, " + MAX_DEPTH + " levels)");
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 0; i < a.getLength(); i++) {
                String name = a.getQName(i);
                if (name.startsWith("xmlns") || name.startsWith("xsi:")) {
                    continue;   // WCS's samples point at their schema; nothing to do with it
                }
                if (!BOX.contains(name) && !(tag.equals("video") && VIDEO_ONLY.contains(name))) {
                    throw bad(line(), "unknown attribute '" + name + "' on <" + tag + ">");
                }
                attrs.put(name, a.getValue(i).trim());
            }
            open.push(new Open(tag, line(), attrs, new StringBuilder(), new ArrayList<>()));
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().text().append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String local, String qName) throws SAXException {
            Open o = open.pop();
            XmlLayoutNode node = node(o);
            if (open.isEmpty()) {
                root = node;
            } else {
                open.peek().children().add(node);
            }
        }

        private XmlLayoutNode node(Open o) throws SAXException {
            Map<String, String> at = o.attrs();
            int line = o.line();
            String text = o.text().toString().trim();
            Pattern template = null;
            String id = null;
            boolean crop = false;
            if (o.tag().equals("video")) {
                String value = at.get("value");
                if (value != null && !value.isEmpty() && !text.isEmpty() && !value.equals(text)) {
                    throw bad(line, "<video> has both value=\"" + value + "\" and text \"" + text + "\"");
                }
                String t = value != null && !value.isEmpty() ? value : text;
                if (!t.isEmpty()) {
                    try {
                        template = Pattern.compile(t);
                    } catch (PatternSyntaxException e) {
                        throw bad(line, "stream name template \"" + t + "\" is not a regular expression: "
                                + e.getDescription());
                    }
                }
                id = at.get("id");
                if (id != null && (id.isEmpty() || id.length() > 128)) {
                    throw bad(line, "id must be 1..128 characters");
                }
                if (id != null && !ids.add(id)) {
                    throw bad(line, "id \"" + id + "\" is used twice (ids are unique within a file)");
                }
                crop = bool(at.get("crop"), line);
            } else if (!text.isEmpty()) {
                throw bad(line, "<" + o.tag() + "> cannot contain text (\"" + shorten(text) + "\")");
            }
            if (at.containsKey("watermark")) {
                LOG.warn("{}:{}: the watermark attribute is not supported and is ignored"
                        + " (use /mixer/set_stream_watermark)", file, line);
            }
            checkLevel(o, line);
            return new XmlLayoutNode(o.tag(), line, size(at.get("width"), "width", line),
                    size(at.get("height"), "height", line), pixels(at.get("x"), "x", line, true),
                    pixels(at.get("y"), "y", line, true), pixels(at.get("padding-left"), "padding-left", line, false),
                    pixels(at.get("padding-right"), "padding-right", line, false),
                    pixels(at.get("padding-top"), "padding-top", line, false),
                    pixels(at.get("padding-bottom"), "padding-bottom", line, false), align(at.get("align"), line),
                    crop, id, template, List.copyOf(o.children()));
        }

        /** WCS forbids percents and columns (rows) among the children of one element. */
        private void checkLevel(Open o, int line) throws SAXException {
            boolean pct = false;
            boolean cols = false;
            boolean pctH = false;
            boolean rows = false;
            for (XmlLayoutNode c : o.children()) {
                pct |= c.width().kind() == Size.Kind.PERCENT;
                cols |= c.width().kind() == Size.Kind.COLUMNS;
                pctH |= c.height().kind() == Size.Kind.PERCENT;
                rows |= c.height().kind() == Size.Kind.ROWS;
            }
            if ((pct && cols) || (pctH && rows)) {
                throw bad(line, "the children of <" + o.tag() + "> mix percents with columns/rows");
            }
        }

        private Size size(String v, String what, int line) throws SAXException {
            if (v == null || v.isEmpty() || v.equals("0")) {
                return Size.AUTO;   // WCS's schema default "0": the parent's whole inside
            }
            Matcher m = SIZE.matcher(v.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw bad(line, what + "=\"" + v + "\" is not pixels (320), percent (50%), columns (1col) or rows (1row)");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "px" : m.group(2);
            if (unit.equals("col") && !what.equals("width") || unit.equals("row") && !what.equals("height")) {
                throw bad(line, what + "=\"" + v + "\": columns are for width, rows for height");
            }
            return switch (unit) {
                case "%" -> {
                    if (n > 100) {
                        throw bad(line, what + "=\"" + v + "\" is more than 100%");
                    }
                    yield new Size(Size.Kind.PERCENT, n);
                }
                case "col" -> new Size(Size.Kind.COLUMNS, n);
                case "row" -> new Size(Size.Kind.ROWS, n);
                default -> {
                    if (n > MAX_PIXELS) {
                        throw bad(line, what + "=\"" + v + "\" is more than " + MAX_PIXELS + " pixels");
                    }
                    yield new Size(Size.Kind.PIXELS, Math.floor(n));
                }
            };
        }

        private int pixels(String v, String what, int line, boolean signed) throws SAXException {
            if (v == null || v.isEmpty()) {
                return 0;
            }
            try {
                int n = Integer.parseInt(v.endsWith("px") ? v.substring(0, v.length() - 2).trim() : v);
                if (Math.abs(n) > MAX_PIXELS || (!signed && n < 0)) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw bad(line, what + "=\"" + v + "\" is not a pixel count" + (signed ? "" : " >= 0")
                        + " within " + MAX_PIXELS);
            }
        }

        private Align align(String v, int line) throws SAXException {
            if (v == null || v.isEmpty()) {
                return Align.LEFT;   // WCS's schema default
            }
            try {
                return Align.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw bad(line, "align=\"" + v + "\" is not one of " + Arrays.toString(Align.values()));
            }
        }

        private boolean bool(String v, int line) throws SAXException {
            if (v == null || v.isEmpty() || v.equalsIgnoreCase("false")) {
                return false;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            throw bad(line, "crop=\"" + v + "\" is not true or false");
        }

        private static String shorten(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }
    }
}
