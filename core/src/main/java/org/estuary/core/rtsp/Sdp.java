package org.estuary.core.rtsp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parts of an SDP session description (RFC 4566) an RTSP client needs to SETUP and decode tracks. */
public record Sdp(String control, List<Media> media) {

    /**
     * One m= section, reduced to its first payload type.
     *
     * @param type       "video", "audio", ...
     * @param encoding   rtpmap encoding name, upper case ("H264", "MPEG4-GENERIC", "PCMA", ...)
     * @param clockRate  RTP clock in Hz
     * @param channels   audio channels (1 when not given)
     * @param fmtp       a=fmtp parameters, keys lower case
     * @param control    a=control value, or "" when absent
     */
    public record Media(String type, int payloadType, String encoding, int clockRate, int channels,
                        Map<String, String> fmtp, String control) {
        public String fmtp(String key) {
            return fmtp.get(key.toLowerCase(Locale.ROOT));
        }
    }

    /** Parses {@code text}; unusable m= lines (no payload type) are skipped, never thrown on. */
    public static Sdp parse(String text) {
        String sessionControl = "";
        List<Builder> media = new ArrayList<>();
        Builder cur = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char k = line.charAt(0);
            String v = line.substring(2);
            if (k == 'm') {
                cur = Builder.of(v);
                if (cur != null) {
                    media.add(cur);
                }
                continue;
            }
            if (k != 'a') {
                continue;
            }
            if (v.startsWith("control:")) {
                String c = v.substring(8).trim();
                if (cur == null) {
                    sessionControl = c;
                } else if (!cur.skip) {
                    cur.control = c;
                }
            } else if (cur != null && !cur.skip && v.startsWith("rtpmap:")) {
                cur.rtpmap(v.substring(7));
            } else if (cur != null && !cur.skip && v.startsWith("fmtp:")) {
                cur.fmtp(v.substring(5));
            }
        }
        List<Media> out = new ArrayList<>();
        for (Builder b : media) {
            if (!b.skip) {
                out.add(b.build());
            }
        }
        return new Sdp(sessionControl, List.copyOf(out));
    }

    /**
     * The URL to SETUP for {@code m}: an absolute control as is, else relative to {@code base}
     * (Content-Base, else the DESCRIBE URL).
     */
    public static String resolveControl(String base, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return base;
        }
        if (control.regionMatches(true, 0, "rtsp://", 0, 7) || control.regionMatches(true, 0, "rtsps://", 0, 8)) {
            return control;
        }
        return base.endsWith("/") ? base + control : base + "/" + control;
    }

    private static final class Builder {
        final String type;
        final int pt;
        boolean skip;
        String encoding = "";
        int clock;
        int channels = 1;
        final Map<String, String> fmtp = new LinkedHashMap<>();
        String control = "";

        private Builder(String type, int pt) {
            this.type = type;
            this.pt = pt;
            // static payload types (RFC 3551) need no rtpmap
            switch (pt) {
                case 0 -> { encoding = "PCMU"; clock = 8000; }
                case 8 -> { encoding = "PCMA"; clock = 8000; }
                case 9 -> { encoding = "G722"; clock = 8000; }
                case 14 -> { encoding = "MPA"; clock = 90000; }
                default -> { }
            }
        }

        static Builder of(String m) {
            String[] p = m.trim().split("\\s+");
            if (p.length < 4) {
                return null;
            }
            try {
                return new Builder(p[0].toLowerCase(Locale.ROOT), Integer.parseInt(p[3]));
            } catch (NumberFormatException e) {
                Builder b = new Builder(p[0], -1);
                b.skip = true;
                return b;
            }
        }

        void rtpmap(String v) {
            String[] p = v.trim().split("\\s+", 2);
            if (p.length < 2 || !p[0].equals(String.valueOf(pt))) {
                return;
            }
            String[] enc = p[1].split("/");
            if (enc.length == 0) { // "a=rtpmap:96 /" (fuzz finding)
                return;
            }
            encoding = enc[0].toUpperCase(Locale.ROOT);
            try {
                clock = enc.length > 1 ? Integer.parseInt(enc[1].trim()) : clock;
                channels = enc.length > 2 ? Integer.parseInt(enc[2].trim()) : 1;
            } catch (NumberFormatException e) {
                clock = 0;
            }
        }

        void fmtp(String v) {
            String[] p = v.trim().split("\\s+", 2);
            if (p.length < 2 || !p[0].equals(String.valueOf(pt))) {
                return;
            }
            for (String kv : p[1].split(";")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    fmtp.put(kv.substring(0, eq).trim().toLowerCase(Locale.ROOT), kv.substring(eq + 1).trim());
                }
            }
        }

        Media build() {
            return new Media(type, pt, encoding, clock, channels, Map.copyOf(fmtp), control);
        }
    }
}
