package org.estuary.core.sip;

import java.util.List;
import java.util.Locale;

/**
 * One RTP payload format of an SDP media line: payload type, encoding name and clock rate.
 *
 * @param channels audio channels (1 when the SDP does not say)
 * @param fmtp     the format's a=fmtp parameters, "" when none
 */
public record RtpFormat(int payloadType, String encoding, int clockRate, int channels, String fmtp) {
    public static final RtpFormat PCMU = new RtpFormat(0, "PCMU", 8000, 1, "");
    public static final RtpFormat PCMA = new RtpFormat(8, "PCMA", 8000, 1, "");
    /** G.722: 16 kHz audio, but RFC 3551 keeps its RTP clock (and SDP rate) at 8000 for history's sake. */
    public static final RtpFormat G722 = new RtpFormat(9, "G722", 8000, 1, "");
    /** Opus (RFC 7587): always written opus/48000/2 whatever is actually coded; the payload type is dynamic. */
    public static final RtpFormat OPUS = new RtpFormat(111, "opus", 48000, 2, "useinbandfec=1");
    /** RFC 4733 DTMF events; the payload type is the offerer's choice (101 is the custom). */
    public static final RtpFormat TELEPHONE_EVENT = new RtpFormat(101, "telephone-event", 8000, 1, "0-16");
    /** DTMF events on Opus's 48 kHz clock, offered beside Opus. */
    public static final RtpFormat TELEPHONE_EVENT_48K = new RtpFormat(102, "telephone-event", 48000, 1, "0-16");

    /**
     * H.264 video (RFC 6184) as Estuary offers it: packetization-mode 1 (FU-A/STAP-A, what it sends),
     * Constrained Baseline level 3.1 (what any phone decodes); payload type dynamic.
     */
    public static final RtpFormat H264 = new RtpFormat(96, "H264", 90000, 1, "profile-level-id=42e01f;packetization-mode=1");

    /** The audio codecs Estuary can put on a call, in its default preference order (wideband first). */
    public static final List<RtpFormat> AUDIO_CODECS = List.of(OPUS, G722, PCMU, PCMA);

    /**
     * A comma-separated list of codec names (as in {@code sip.audioCodecs}: opus, G722, PCMU, PCMA;
     * any case) in that order.
     *
     * @throws IllegalArgumentException naming the unknown or repeated name, or for an empty list
     */
    public static List<RtpFormat> parseList(String names) {
        java.util.ArrayList<RtpFormat> out = new java.util.ArrayList<>();
        for (String raw : names.split(",")) {
            String n = raw.trim();
            if (n.isEmpty()) {
                continue;
            }
            RtpFormat f = AUDIO_CODECS.stream().filter(c -> c.encoding().equalsIgnoreCase(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown audio codec \"" + n
                            + "\" (known: opus, G722, PCMU, PCMA)"));
            if (out.contains(f)) {
                throw new IllegalArgumentException("audio codec " + n + " listed twice");
            }
            out.add(f);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no audio codec listed");
        }
        return List.copyOf(out);
    }

    /**
     * Sample rate of the audio itself: the clock rate, except G.722 (16 kHz audio on an 8 kHz RTP
     * clock). RTP timestamps advance {@code clockRate} per second whatever this is.
     */
    public int audioRate() {
        return encoding.equalsIgnoreCase("G722") ? 16000 : clockRate;
    }

    /** Whether this is G.711 (coded by table look-up, cheap enough for an event loop). */
    public boolean isG711() {
        return encoding.equalsIgnoreCase("PCMU") || encoding.equalsIgnoreCase("PCMA");
    }

    /** An fmtp parameter's value ({@code packetization-mode}), or null when the fmtp lacks it. */
    public String fmtpParameter(String name) {
        for (String kv : fmtp.split(";")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length == 2 && p[0].trim().equalsIgnoreCase(name)) {
                return p[1].trim();
            }
        }
        return null;
    }

    public boolean isTelephoneEvent() {
        return encoding.equalsIgnoreCase("telephone-event");
    }

    /** Same codec (encoding name and clock rate; payload types may differ between the two sides). */
    public boolean sameCodec(RtpFormat o) {
        return encoding.equalsIgnoreCase(o.encoding) && clockRate == o.clockRate;
    }

    public RtpFormat withPayloadType(int pt) {
        return new RtpFormat(pt, encoding, clockRate, channels, fmtp);
    }

    /** Static payload types (RFC 3551) for SDP that lists a type without an a=rtpmap line. */
    static RtpFormat staticType(int pt) {
        return switch (pt) {
            case 0 -> PCMU;
            case 8 -> PCMA;
            case 3 -> new RtpFormat(3, "GSM", 8000, 1, "");
            case 9 -> G722;
            case 18 -> new RtpFormat(18, "G729", 8000, 1, "");
            default -> null;
        };
    }

    @Override
    public String toString() {
        return payloadType + " " + encoding.toUpperCase(Locale.ROOT) + "/" + clockRate;
    }
}
