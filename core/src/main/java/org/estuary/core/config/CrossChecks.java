package org.estuary.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that involve more than one key; single-key types and ranges are {@link ValueType}'s job. */
final class CrossChecks {

    private CrossChecks() { }

    static void check(ServerConfig config, List<String> problems) {
        MediaConfig media = config.media();
        if (media.portFrom() > media.portTo()) {
            problems.add("media.portFrom: " + media.portFrom() + " is above media.portTo " + media.portTo());
        }
        String allow = config.sip().allowFrom();
        if (!allow.isBlank()) {
            try {
                org.estuary.core.net.AddressFilter.parse(List.of(allow.split(",")));
            } catch (IllegalArgumentException e) {
                problems.add("sip.allowFrom: " + e.getMessage());
            }
        }
        try {
            org.estuary.core.sip.RtpFormat.parseList(config.sip().audioCodecs());
        } catch (IllegalArgumentException e) {
            problems.add("sip.audioCodecs: " + e.getMessage());
        }
        if (!config.sip().registrar().isBlank()) {
            try {
                org.estuary.core.sip.SipTarget.parse(config.sip().registerUser(), config.sip().registrar(), null);
            } catch (IllegalArgumentException e) {
                problems.add("sip.registrar: " + e.getMessage());
            }
        }
        RestConfig rest = config.rest();
        if (rest.auth() == RestAuth.BASIC && rest.users().isEmpty()) {
            problems.add("rest.users: rest.auth is basic but no user is configured");
        }
        if (rest.auth() == RestAuth.BEARER && rest.tokens().isEmpty() && rest.tokensFile().isBlank()) {
            problems.add("rest.tokens: rest.auth is bearer but neither rest.tokens nor rest.tokensFile is set");
        }
        try {
            java.util.regex.Pattern.compile(config.cdn().bridgeInbound());
        } catch (java.util.regex.PatternSyntaxException e) {
            problems.add("cdn.bridgeInbound: not a regular expression: " + e.getDescription());
        }
        TlsConfig tls = config.tls();
        if (tls.certFile().isBlank() != tls.keyFile().isBlank()) {
            problems.add("tls.certFile: give both tls.certFile and tls.keyFile, or neither");
        }
        backoff("rtsp", config.rtsp().reconnectFirstMs(), config.rtsp().reconnectMaxMs(), problems);
        backoff("pull", config.pull().reconnectFirstMs(), config.pull().reconnectMaxMs(), problems);
        backoff("push", config.push().reconnectFirstMs(), config.push().reconnectMaxMs(), problems);
        // All TCP listeners bind to node.bindAddress, so two of them on one port would fail at start.
        Map<String, Integer> tcpPorts = new LinkedHashMap<>();
        tcpPorts.put("rest.port", config.rest().port());
        tcpPorts.put("websocket.port", config.websocket().port());
        tcpPorts.put("hls.port", config.hls().port());
        tcpPorts.put("rtmp.port", config.rtmp().port());
        tcpPorts.put("sip.port", config.sip().port()); // SIP listens on TCP as well as UDP
        if (tls.enabled()) {
            tcpPorts.put("tls.restPort", tls.restPort());
            tcpPorts.put("tls.hlsPort", tls.hlsPort());
            tcpPorts.put("tls.rtmpPort", tls.rtmpPort());
            tcpPorts.put("tls.websocketPort", tls.websocketPort());
        }
        if (config.cdn().bridgeEnabled()) {
            tcpPorts.put("cdn.bridgePort", config.cdn().bridgePort());
            tcpPorts.put("cdn.sockJsPort", config.cdn().sockJsPort());
        }
        Map<Integer, String> owner = new LinkedHashMap<>();
        tcpPorts.forEach((key, port) -> {
            if (port == 0) {
                return; // 0 = any free port, never clashes
            }
            String first = owner.putIfAbsent(port, key);
            if (first != null) {
                problems.add(key + ": port " + port + " is already used by " + first);
            }
        });
    }

    private static void backoff(String section, long first, long max, List<String> problems) {
        if (first > max) {
            problems.add(section + ".reconnectFirstMs: " + first + " is above " + section + ".reconnectMaxMs " + max);
        }
    }
}
