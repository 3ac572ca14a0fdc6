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
    /** RFC 4733 DTMF events; the payload type is the offerer's choice (101 is the custom). */
    public static final RtpFormat TELEPHONE_EVENT = new RtpFormat(101, "telephone-event", 8000, 1, "0-16");

    /** The audio codecs Estuary can put on a call, in preference order. */
    public static final List<RtpFormat> AUDIO_CODECS = List.of(PCMU, PCMA);

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
            case 9 -> new RtpFormat(9, "G722", 8000, 1, "");
            case 18 -> new RtpFormat(18, "G729", 8000, 1, "");
            default -> null;
        };
    }

    @Override
    public String toString() {
        return payloadType + " " + encoding.toUpperCase(Locale.ROOT) + "/" + clockRate;
    }
}
