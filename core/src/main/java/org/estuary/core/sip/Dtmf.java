package org.estuary.core.sip;

/**
 * DTMF digits as RFC 4733 (ex-2833) telephone events and as SIP INFO bodies
 * ({@code application/dtmf-relay}).
 */
public final class Dtmf {
    /** Digits a DTMF request may carry, in event-code order (0-9, *, #, A-D). */
    public static final String DIGITS = "0123456789*#ABCD";

    private Dtmf() { }

    /** Event code of a digit (case-insensitive), or -1. */
    public static int eventCode(char digit) {
        return DIGITS.indexOf(Character.toUpperCase(digit));
    }

    public static char digit(int eventCode) {
        return eventCode >= 0 && eventCode < DIGITS.length() ? DIGITS.charAt(eventCode) : '?';
    }

    /** Whether every character of {@code s} is a DTMF digit (and there is at least one). */
    public static boolean isValid(String s) {
        return s != null && !s.isEmpty() && s.length() <= 64 && s.chars().allMatch(c -> eventCode((char) c) >= 0);
    }

    /** The 4-byte RFC 4733 payload: event, E bit + volume (10 = -10 dBm0), duration in samples. */
    public static byte[] eventPayload(int eventCode, boolean end, int durationSamples) {
        return new byte[] {(byte) eventCode, (byte) ((end ? 0x80 : 0) | 10),
            (byte) (durationSamples >> 8), (byte) durationSamples};
    }

    /** A parsed RFC 4733 payload, or null when it is not one. */
    public record Event(int code, boolean end, int durationSamples) { }

    public static Event parseEvent(byte[] data, int off, int len) {
        if (len < 4) {
            return null;
        }
        int code = data[off] & 0xFF;
        if (code >= DIGITS.length()) {
            return null; // flash, tones: not digits
        }
        return new Event(code, (data[off + 1] & 0x80) != 0, ((data[off + 2] & 0xFF) << 8) | (data[off + 3] & 0xFF));
    }

    /** SIP INFO body (application/dtmf-relay) for one digit. */
    public static String infoBody(char digit, int durationMs) {
        return "Signal=" + Character.toUpperCase(digit) + "\r\nDuration=" + durationMs + "\r\n";
    }

    /** The digit of an INFO body: dtmf-relay ("Signal=5") or application/dtmf ("5"); '?' when none. */
    public static char parseInfo(String body) {
        if (body == null) {
            return '?';
        }
        for (String line : body.split("\r?\n")) {
            String l = line.trim();
            if (l.regionMatches(true, 0, "Signal", 0, 6)) {
                String v = l.substring(l.indexOf('=') + 1).trim();
                return v.length() == 1 && eventCode(v.charAt(0)) >= 0 ? Character.toUpperCase(v.charAt(0)) : '?';
            }
        }
        String t = body.trim();
        if (t.length() == 1 && eventCode(t.charAt(0)) >= 0) {
            return Character.toUpperCase(t.charAt(0));
        }
        if (t.matches("\\d{1,2}") && Integer.parseInt(t) < DIGITS.length()) {
            return DIGITS.charAt(Integer.parseInt(t));
        }
        return '?';
    }
}
