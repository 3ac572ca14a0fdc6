package org.estuary.core.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One media line of a SIP session description (RFC 4566 / RFC 3264 offer-answer): the audio line
 * ({@link #parse}) or the video line ({@link #parseVideo}), enough for a call: where to send RTP,
 * which payload formats, and the direction. Parsing never throws: null for a body without a usable
 * line of that kind.
 *
 * @param address   the connection address (c=), media-level over session-level
 * @param port      the media port (0 = rejected stream)
 * @param formats   payload formats in the peer's preference order
 * @param direction sendrecv, sendonly, recvonly or inactive
 */
public record SdpMedia(String address, int port, List<RtpFormat> formats, String direction) {
    /** Longest SDP body accepted. */
    public static final int MAX_BYTES = 16 * 1024;

    public SdpMedia {
        formats = List.copyOf(formats);
    }

    /** Whether the peer puts the call on hold (it sends nothing or the address is 0.0.0.0). */
    public boolean isHold() {
        return direction.equals("sendonly") || direction.equals("inactive") || address.equals("0.0.0.0");
    }

    /** {@link #chooseCodec(List)} among all the codecs Estuary has. */
    public RtpFormat chooseCodec() {
        return chooseCodec(RtpFormat.AUDIO_CODECS);
    }

    /**
     * The first of the peer's formats (its preference wins, RFC 3264) that is one of {@code ours}:
     * our description of it (our fmtp: it says what we want to receive) under the peer's payload
     * type; null when none.
     */
    public RtpFormat chooseCodec(List<RtpFormat> ours) {
        for (RtpFormat f : formats) {
            for (RtpFormat o : ours) {
                if (f.sameCodec(o)) {
                    return o.withPayloadType(f.payloadType());
                }
            }
        }
        return null;
    }

    /** The peer's telephone-event format at 8 kHz, or null. */
    public RtpFormat telephoneEvent() {
        return telephoneEvent(8000);
    }

    /**
     * The peer's telephone-event format on the audio codec's clock (RFC 4733 §2.1: events share the
     * audio's timestamps, so an Opus call wants telephone-event/48000), else at 8 kHz, else null.
     */
    public RtpFormat telephoneEvent(int clockRate) {
        return formats.stream().filter(f -> f.isTelephoneEvent() && f.clockRate() == clockRate).findFirst()
                .orElseGet(() -> formats.stream().filter(f -> f.isTelephoneEvent() && f.clockRate() == 8000)
                        .findFirst().orElse(null));
    }

    public static SdpMedia parse(String sdp) {
        return parse(sdp, "audio");
    }

    /** The first {@code m=video} line of {@code sdp} (same rules as the audio line), or null. */
    public static SdpMedia parseVideo(String sdp) {
        return parse(sdp, "video");
    }

    /**
     * H.264 among the peer's video formats, packetization-mode 1 only (Estuary sends FU-A; mode 0
     * would allow single NAL units only): our description under the peer's payload type, or null.
     */
    public RtpFormat chooseH264() {
        for (RtpFormat f : formats) {
            if (f.sameCodec(RtpFormat.H264) && "1".equals(f.fmtpParameter("packetization-mode"))) {
                return RtpFormat.H264.withPayloadType(f.payloadType());
            }
        }
        return null;
    }

    private static SdpMedia parse(String sdp, String kind) {
        if (sdp == null || sdp.length() > MAX_BYTES) {
            return null;
        }
        String sessionAddress = null;
        String mediaAddress = null;
        String sessionDirection = "sendrecv";
        String mediaDirection = null;
        int port = -1;
        List<Integer> payloadTypes = new ArrayList<>();
        List<RtpFormat> mapped = new ArrayList<>();
        List<String[]> fmtps = new ArrayList<>();
        boolean inWanted = false;
        boolean seenMedia = false;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            String v = line.substring(2).trim();
            switch (line.charAt(0)) {
                case 'm' -> {
                    boolean wasWanted = inWanted;
                    seenMedia = true;
                    inWanted = false;
                    if (port >= 0 || wasWanted) {
                        continue; // only the first line of that kind counts
                    }
                    String[] p = v.split("\\s+");
                    if (p.length >= 4 && p[0].equals(kind) && p[2].toUpperCase(Locale.ROOT).startsWith("RTP/")) {
                        try {
                            port = Integer.parseInt(beforeSlash(p[1]));
                            for (int i = 3; i < p.length; i++) {
                                payloadTypes.add(Integer.parseInt(p[i]));
                            }
                            inWanted = port >= 0 && port <= 65535;
                            if (!inWanted) {
                                port = -1;
                            }
                        } catch (NumberFormatException e) {
                            port = -1;
                            payloadTypes.clear();
                        }
                    }
                }
                case 'c' -> {
                    String[] p = v.split("\\s+");
                    if (p.length >= 3 && p[0].equals("IN")) {
                        String a = beforeSlash(p[2]);
                        if (!seenMedia) {
                            sessionAddress = a;
                        } else if (inWanted) {
                            mediaAddress = a;
                        }
                    }
                }
                case 'a' -> {
                    if (v.equals("sendrecv") || v.equals("sendonly") || v.equals("recvonly") || v.equals("inactive")) {
                        if (!seenMedia) {
                            sessionDirection = v;
                        } else if (inWanted) {
                            mediaDirection = v;
                        }
                    } else if (inWanted && v.startsWith("rtpmap:")) {
                        RtpFormat f = rtpmap(v.substring(7));
                        if (f != null) {
                            mapped.add(f);
                        }
                    } else if (inWanted && v.startsWith("fmtp:")) {
                        String[] p = v.substring(5).split("\\s+", 2);
                        fmtps.add(new String[] {p[0], p.length > 1 ? p[1] : ""});
                    }
                }
                default -> { }
            }
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (port < 0 || address == null || payloadTypes.isEmpty()) {
            return null;
        }
        List<RtpFormat> formats = new ArrayList<>();
        for (int pt : payloadTypes) {
            RtpFormat f = mapped.stream().filter(m -> m.payloadType() == pt).findFirst().orElse(RtpFormat.staticType(pt));
            if (f == null) {
                continue;
            }
            for (String[] fm : fmtps) {
                if (fm[0].equals(Integer.toString(pt))) {
                    f = new RtpFormat(f.payloadType(), f.encoding(), f.clockRate(), f.channels(), fm[1]);
                }
            }
            formats.add(f);
        }
        return new SdpMedia(address, port, formats, mediaDirection != null ? mediaDirection : sessionDirection);
    }

    /** "5004/2" → "5004", "/" → "" (split("/")[0] throws on a field that is only slashes). */
    private static String beforeSlash(String field) {
        int slash = field.indexOf('/');
        return slash < 0 ? field : field.substring(0, slash);
    }

    private static RtpFormat rtpmap(String v) {
        String[] p = v.trim().split("\\s+", 2);
        if (p.length < 2) {
            return null;
        }
        String[] enc = p[1].split("/");
        if (enc.length == 0 || enc[0].isBlank()) {
            return null; // "97 /": no encoding name (split drops the empty fields)
        }
        try {
            int pt = Integer.parseInt(p[0]);
            int rate = enc.length > 1 ? Integer.parseInt(enc[1].trim()) : 8000;
            int ch = enc.length > 2 ? Integer.parseInt(enc[2].trim()) : 1;
            if (pt < 0 || pt > 127 || rate <= 0 || ch <= 0) {
                return null;
            }
            return new RtpFormat(pt, enc[0].trim(), rate, ch, "");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Writes a session description with one audio line.
     *
     * @param sessionId  o= session id (stays the same for a call)
     * @param version    o= version (incremented on every new offer/answer)
     */
    public static String write(String address, int port, List<RtpFormat> formats, String direction,
                               long sessionId, long version) {
        return write(address, port, formats, direction, sessionId, version, -1, null);
    }

    /**
     * With a video line after the audio one when {@code videoPort >= 0} (port 0 with the peer's
     * formats: its video refused, RFC 3264 §6).
     */
    public static String write(String address, int port, List<RtpFormat> formats, String direction,
                               long sessionId, long version, int videoPort, List<RtpFormat> videoFormats) {
        StringBuilder sb = new StringBuilder();
        String ipv = address.contains(":") ? "IP6" : "IP4";
        sb.append("v=0\r\n");
        sb.append("o=estuary ").append(sessionId).append(' ').append(version).append(" IN ").append(ipv).append(' ')
                .append(address).append("\r\n");
        sb.append("s=estuary\r\n");
        sb.append("c=IN ").append(ipv).append(' ').append(address).append("\r\n");
        sb.append("t=0 0\r\n");
        sb.append("m=audio ").append(port).append(" RTP/AVP");
        for (RtpFormat f : formats) {
            sb.append(' ').append(f.payloadType());
        }
        sb.append("\r\n");
        for (RtpFormat f : formats) {
            sb.append("a=rtpmap:").append(f.payloadType()).append(' ').append(f.encoding()).append('/')
                    .append(f.clockRate()).append(f.channels() > 1 ? "/" + f.channels() : "").append("\r\n");
            if (!f.fmtp().isEmpty()) {
                sb.append("a=fmtp:").append(f.payloadType()).append(' ').append(f.fmtp()).append("\r\n");
            }
        }
        sb.append("a=ptime:20\r\n");
        sb.append("a=").append(direction).append("\r\n");
        if (videoPort >= 0 && videoFormats != null && !videoFormats.isEmpty()) {
            sb.append("m=video ").append(videoPort).append(" RTP/AVP");
            for (RtpFormat f : videoFormats) {
                sb.append(' ').append(f.payloadType());
            }
            sb.append("\r\n");
            for (RtpFormat f : videoFormats) {
                sb.append("a=rtpmap:").append(f.payloadType()).append(' ').append(f.encoding()).append('/')
                        .append(f.clockRate()).append("\r\n");
                if (!f.fmtp().isEmpty()) {
                    sb.append("a=fmtp:").append(f.payloadType()).append(' ').append(f.fmtp()).append("\r\n");
                }
            }
            sb.append("a=").append(direction).append("\r\n");
        }
        return sb.toString();
    }
}
