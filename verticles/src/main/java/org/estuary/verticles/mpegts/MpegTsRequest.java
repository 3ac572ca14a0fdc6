package org.estuary.verticles.mpegts;

import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.estuary.core.config.MpegTsConfig;
import org.estuary.core.net.AddressFilter;
import org.estuary.media.srt.SrtOptions;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.ControlError;

/**
 * A {@code /mpepts/startup} request, decoded and checked once (a {@link ControlError} 400 naming
 * the field otherwise) before the publisher is admitted. {@code remote} is set for SRT caller
 * mode, {@code srt} for SRT in either mode.
 */
record MpegTsRequest(String name, String transport, List<String> allowedList, AddressFilter allowed,
                     long timeoutMs, long maxTimestampDiffMs, SrtOptions srt, URI remote,
                     boolean hasAudio, boolean hasVideo, Map<String, String> params) {

    private static final List<String> SRT_ONLY = List.of("mode", "remoteUri", "passphrase", "pbkeylen", "keyLength", "streamid");

    static MpegTsRequest from(Body q, MpegTsConfig config) {
        String name = q.string("localStreamName", "").trim();
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
            throw ControlError.badRequest("localStreamName must be a non-empty name without control characters");
        }
        String transport = q.string("transport", "udp").toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("srt")) {
            throw ControlError.badRequest("transport must be \"udp\" or \"srt\", got \"" + transport + "\"");
        }
        List<String> allowedList = new ArrayList<>();
        AddressFilter allowed;
        try {
            Object list = q.value("allowedList");
            if (list != null && !(list instanceof JsonArray)) {
                throw new IllegalArgumentException("must be an array of addresses or networks");
            }
            if (list != null) {
                ((JsonArray) list).forEach(v -> allowedList.add(String.valueOf(v)));
            }
            allowed = AddressFilter.parse(allowedList);
        } catch (IllegalArgumentException e) {
            throw ControlError.badRequest("allowedList: " + e.getMessage());
        }
        long timeout = longOf(q.value("timeout"), config.timeoutMs());
        long maxDiff = longOf(q.value("maxTimestampDiff"), config.maxTimestampDiffMs());
        if (timeout < 0 || maxDiff <= 0) {
            throw ControlError.badRequest("timeout must be >= 0 and maxTimestampDiff > 0 (milliseconds)");
        }
        long latency = longOf(q.value("latency"), config.srtLatencyMs());
        if (latency < 0 || latency > 60_000) {
            throw ControlError.badRequest("latency must be 0..60000 (milliseconds, SRT receive latency)");
        }
        SrtOptions srt = null;
        URI remote = null;
        if (transport.equals("udp")) {
            for (String srtOnly : SRT_ONLY) {
                if (q.json().containsKey(srtOnly)) {
                    throw ControlError.badRequest(srtOnly + " applies to transport \"srt\" only");
                }
            }
        } else {
            try {
                String mode = q.string("mode", "listener");
                if (!mode.equals("listener") && !mode.equals("caller")) {
                    throw new IllegalArgumentException("mode must be \"listener\" or \"caller\", got \"" + mode + "\"");
                }
                if (mode.equals("caller")) {
                    remote = remoteSrt(q.string("remoteUri"));
                }
                Object keyLength = q.has("pbkeylen") ? q.value("pbkeylen") : q.value("keyLength");
                srt = new SrtOptions(mode.equals("caller"), (int) latency, blankToNull(q.string("passphrase")),
                        keyLength == null ? 0 : (int) longOf(keyLength, 0), blankToNull(q.string("streamid")));
            } catch (IllegalArgumentException e) {
                throw ControlError.badRequest(e.getMessage());
            }
            if (remote != null && !allowedList.isEmpty()) {
                throw ControlError.badRequest(
                        "allowedList applies to listener mode (who may connect); a caller picks its peer by remoteUri");
            }
        }
        // the encoder's address is not known before it sends: the backend judges the stream name and the request
        Map<String, String> params = new LinkedHashMap<>();
        q.json().forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue())));
        return new MpegTsRequest(name, transport, List.copyOf(allowedList), allowed, timeout, maxDiff, srt, remote,
                q.bool("hasAudio", true), q.bool("hasVideo", true), params);
    }

    /** The protocol the admission backend is told ({@code MPEGTS-UDP}, {@code MPEGTS-SRT}). */
    String protocol() {
        return "MPEGTS-" + transport.toUpperCase(Locale.ROOT);
    }

    /** {@code srt://host:port} (query ignored: options are request fields), host not blank. */
    private static URI remoteSrt(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("mode \"caller\" needs remoteUri srt://host:port");
        }
        URI u;
        try {
            u = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("remoteUri is not a URI: " + e.getMessage());
        }
        if (!"srt".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() <= 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("remoteUri must be srt://host:port, got " + value);
        }
        return u;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A number or numeric text; {@code dflt} when absent; -1 (rejected by every range check) when not numeric. */
    private static long longOf(Object v, long dflt) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return dflt;
    }
}
