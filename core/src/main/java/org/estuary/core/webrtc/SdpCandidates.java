package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The UDP candidates of a remote description (an answer we got when dialling another server),
 * component 1 only (we always bundle and mux RTCP), highest priority first, duplicates removed.
 * TCP and malformed candidate lines are skipped: a server may announce more than we can use.
 */
public final class SdpCandidates {

    /** One remote UDP candidate. */
    public record Remote(String address, int port, long priority, String type) { }

    private SdpCandidates() { }

    public static List<Remote> parse(String sdp) {
        List<Remote> out = new ArrayList<>();
        if (sdp == null) {
            return out;
        }
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (!line.startsWith("a=candidate:")) {
                continue;
            }
            String[] p = line.substring("a=candidate:".length()).split(" ");
            if (p.length < 8 || !p[1].equals("1") || !p[2].toLowerCase(Locale.ROOT).equals("udp") || !p[6].equals("typ")) {
                continue;
            }
            try {
                long priority = Long.parseLong(p[3]);
                int port = Integer.parseInt(p[5]);
                if (port <= 0 || port > 65535 || p[4].isBlank() || p[4].endsWith(".local")) {
                    continue; // mDNS names hide browsers' addresses; a server never sends them
                }
                Remote r = new Remote(p[4], port, priority, p[7]);
                if (out.stream().noneMatch(o -> o.address().equals(r.address()) && o.port() == r.port())) {
                    out.add(r);
                }
            } catch (NumberFormatException e) {
                // skip the line: one bad candidate must not hide the good ones
            }
        }
        out.sort(Comparator.comparingLong(Remote::priority).reversed());
        return out;
    }
}
