package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A browser's SDP offer, as much of it as an ICE-lite answerer needs: ICE credentials, the DTLS
 * fingerprint and each m-line's mid, direction, payload types (rtpmap/fmtp/rtcp-fb) and SSRCs.
 * {@link #parse} throws {@link SdpException} naming what is missing or wrong.
 */
public record SdpOffer(String iceUfrag, String icePwd, String fingerprintAlgorithm, byte[] fingerprint,
                       List<Media> media) {

    /** Largest offer accepted; Chromium's offers are a few kB. */
    public static final int MAX_BYTES = 64 * 1024;

    /** One payload type of an m-line. */
    public record PayloadType(int pt, String encoding, int clockRate, int channels, String fmtp, List<String> feedback) {
        public boolean is(String name) {
            return encoding.equalsIgnoreCase(name);
        }

        /** The value of an fmtp parameter, or null. */
        public String fmtpParam(String key) {
            if (fmtp == null) {
                return null;
            }
            for (String kv : fmtp.split(";")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).trim().equalsIgnoreCase(key)) {
                    return kv.substring(eq + 1).trim();
                }
            }
            return null;
        }
    }

    /**
     * One m-line. {@code direction} is the offerer's (sendonly = it publishes to us). {@code rids}: the
     * simulcast layers it sends (RFC 8853 {@code a=simulcast:send}, in that order, alternatives and
     * paused ({@code ~}) layers left out; else its {@code a=rid:<id> send} lines), empty without simulcast.
     */
    public record Media(String kind, String mid, String direction, String protocol, List<PayloadType> payloadTypes,
                        List<Long> ssrcs, Map<Integer, String> extmap, boolean rtcpMux, List<String> rids) {
        public boolean sends() {
            return direction.equals("sendrecv") || direction.equals("sendonly");
        }

        public boolean receives() {
            return direction.equals("sendrecv") || direction.equals("recvonly");
        }

        /** The a=extmap id of header extension {@code uri} (one-byte or two-byte form: 1-255), or -1. */
        public int extId(String uri) {
            for (var e : extmap.entrySet()) {
                if (uri.equals(e.getValue()) && e.getKey() >= 1 && e.getKey() <= 255) {
                    return e.getKey();
                }
            }
            return -1;
        }

        /** The primary SSRC the browser sends on (the first one, not the RTX of an FID group). */
        public long primarySsrc() {
            return ssrcs.isEmpty() ? -1 : ssrcs.get(0);
        }
    }

    public static SdpOffer parse(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("the SDP offer is empty");
        }
        if (sdp.length() > MAX_BYTES) {
            throw new SdpException("the SDP offer is larger than " + MAX_BYTES + " bytes");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].startsWith("v=0")) {
            throw new SdpException("not an SDP offer: the first line is not v=0");
        }
        String ufrag = null;
        String pwd = null;
        String fpAlg = null;
        byte[] fp = null;
        List<MediaBuilder> media = new ArrayList<>();
        MediaBuilder cur = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                if (line.isEmpty()) {
                    continue;
                }
                throw new SdpException("malformed SDP line: " + abbreviate(line));
            }
            char t = line.charAt(0);
            String v = line.substring(2);
            if (t == 'm') {
                String[] p = v.split(" ");
                if (p.length < 4) {
                    throw new SdpException("malformed m-line: " + abbreviate(line));
                }
                cur = new MediaBuilder(p[0].toLowerCase(Locale.ROOT), p[2]);
                // a data channel (m=application ... UDP/DTLS/SCTP webrtc-datachannel) has no payload
                // types: kept without them, and answered as rejected
                for (int i = 3; i < p.length && p[2].toUpperCase(Locale.ROOT).contains("RTP"); i++) {
                    cur.order.add(parseInt(p[i], "payload type in m-line"));
                }
                media.add(cur);
                continue;
            }
            if (t != 'a') {
                continue;
            }
            int colon = v.indexOf(':');
            String name = colon < 0 ? v : v.substring(0, colon);
            String val = colon < 0 ? "" : v.substring(colon + 1);
            switch (name) {
                case "ice-ufrag" -> {
                    if (cur == null || ufrag == null) {
                        ufrag = val;
                    }
                }
                case "ice-pwd" -> {
                    if (cur == null || pwd == null) {
                        pwd = val;
                    }
                }
                case "fingerprint" -> {
                    String[] p = val.trim().split(" ");
                    if (p.length != 2) {
                        throw new SdpException("malformed a=fingerprint: " + abbreviate(line));
                    }
                    if (fp == null) {
                        fpAlg = p[0].toLowerCase(Locale.ROOT);
                        if (!fpAlg.equals("sha-256")) {
                            throw new SdpException("unsupported fingerprint algorithm " + fpAlg + " (sha-256 expected)");
                        }
                        fp = hex(p[1]);
                    }
                }
                default -> {
                    if (cur != null) {
                        cur.attribute(name, val, line);
                    }
                }
            }
        }
        if (media.isEmpty()) {
            throw new SdpException("the SDP offer has no m-line");
        }
        if (ufrag == null || pwd == null) {
            throw new SdpException("the SDP offer has no a=ice-ufrag/a=ice-pwd");
        }
        if (fp == null) {
            throw new SdpException("the SDP offer has no a=fingerprint");
        }
        List<Media> out = new ArrayList<>();
        for (MediaBuilder b : media) {
            out.add(b.build());
        }
        return new SdpOffer(ufrag, pwd, fpAlg, fp, List.copyOf(out));
    }

    private static final class MediaBuilder {
        final String kind;
        final String protocol;
        final List<Integer> order = new ArrayList<>();
        final Map<Integer, String[]> rtpmap = new LinkedHashMap<>();
        final Map<Integer, String> fmtp = new LinkedHashMap<>();
        final Map<Integer, List<String>> fb = new LinkedHashMap<>();
        final List<Long> ssrcs = new ArrayList<>();
        final Map<Integer, String> extmap = new LinkedHashMap<>();
        final List<String> ridLines = new ArrayList<>();
        final List<String> simulcast = new ArrayList<>();
        String mid = "";
        String direction = "sendrecv";
        boolean rtcpMux;

        MediaBuilder(String kind, String protocol) {
            this.kind = kind;
            this.protocol = protocol;
        }

        void attribute(String name, String val, String line) {
            switch (name) {
                case "mid" -> mid = val.trim();
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
                case "rtcp-mux" -> rtcpMux = true;
                case "rtpmap" -> {
                    int sp = val.indexOf(' ');
                    if (sp < 0) {
                        throw new SdpException("malformed a=rtpmap: " + abbreviate(line));
                    }
                    int pt = parseInt(val.substring(0, sp), "a=rtpmap payload type");
                    rtpmap.put(pt, val.substring(sp + 1).trim().split("/"));
                }
                case "fmtp" -> {
                    int sp = val.indexOf(' ');
                    if (sp > 0) {
                        fmtp.put(parseInt(val.substring(0, sp), "a=fmtp payload type"), val.substring(sp + 1).trim());
                    }
                }
                case "rtcp-fb" -> {
                    int sp = val.indexOf(' ');
                    if (sp > 0 && !val.startsWith("*")) {
                        fb.computeIfAbsent(parseInt(val.substring(0, sp), "a=rtcp-fb payload type"), k -> new ArrayList<>())
                                .add(val.substring(sp + 1).trim());
                    }
                }
                case "ssrc" -> {
                    int sp = val.indexOf(' ');
                    long ssrc = parseLong(sp < 0 ? val : val.substring(0, sp));
                    if (!ssrcs.contains(ssrc)) {
                        ssrcs.add(ssrc);
                    }
                }
                case "extmap" -> {
                    String[] p = val.trim().split(" ");
                    if (p.length >= 2) {
                        String id = p[0].contains("/") ? p[0].substring(0, p[0].indexOf('/')) : p[0];
                        extmap.put(parseInt(id, "a=extmap id"), p[1]);
                    }
                }
                case "rid" -> {
                    String[] p = val.trim().split(" ");
                    if (p.length >= 2 && p[1].equals("send") && p[0].matches("[A-Za-z0-9_-]{1,32}") && ridLines.size() < 8) {
                        ridLines.add(p[0]);
                    }
                }
                case "simulcast" -> {
                    String[] p = val.trim().split(" ");
                    if (p.length >= 2 && p[0].equals("send")) {
                        for (String alt : p[1].split(";")) {
                            String first = alt.split(",")[0]; // alternatives: the first one is the layer
                            if (!first.startsWith("~") && !first.isEmpty() && simulcast.size() < 8) {
                                simulcast.add(first);
                            }
                        }
                    }
                }
                default -> { }
            }
        }

        Media build() {
            List<PayloadType> pts = new ArrayList<>();
            for (int pt : order) {
                String[] map = rtpmap.get(pt);
                if (map == null || map.length < 2) {
                    continue; // static payload types without rtpmap are not used by browsers
                }
                int rate = parseInt(map[1], "a=rtpmap clock rate");
                int ch = map.length > 2 ? parseInt(map[2], "a=rtpmap channels") : 1;
                pts.add(new PayloadType(pt, map[0], rate, ch, fmtp.get(pt), List.copyOf(fb.getOrDefault(pt, List.of()))));
            }
            return new Media(kind, mid, direction, protocol, List.copyOf(pts), List.copyOf(ssrcs), Map.copyOf(extmap), rtcpMux,
                    List.copyOf(simulcast.isEmpty() ? ridLines : simulcast.stream().filter(ridLines::contains).toList()));
        }
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new SdpException("malformed " + what + ": " + abbreviate(s));
        }
    }

    private static long parseLong(String s) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0 || v > 0xFFFFFFFFL) {
                throw new SdpException("SSRC out of range: " + abbreviate(s));
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SdpException("malformed a=ssrc: " + abbreviate(s));
        }
    }

    private static byte[] hex(String colonHex) {
        String[] p = colonHex.split(":");
        if (p.length != 32) {
            throw new SdpException("malformed sha-256 fingerprint (32 hex bytes expected)");
        }
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                if (p[i].length() != 2) {
                    throw new NumberFormatException();
                }
                out[i] = (byte) Integer.parseInt(p[i], 16);
            } catch (NumberFormatException e) {
                throw new SdpException("malformed fingerprint byte: " + abbreviate(p[i]));
            }
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
