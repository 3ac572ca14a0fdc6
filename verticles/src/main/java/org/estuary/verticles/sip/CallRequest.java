package org.estuary.verticles.sip;

import org.estuary.verticles.agent.ControlError;
import io.vertx.core.json.JsonObject;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.sip.SipTarget;

/**
 * A {@code /call/startup} body, decoded and checked once. The reference clients send every value
 * as a string ("true", "5060"), the REST layer has checked the types already.
 */
record CallRequest(String callId, SipTarget target, String callee, String login, String authName, String password,
                   String domain, String proxyHost, int proxyPort, String visibleName, String toStream,
                   String rtmpUrl, String rtmpStream, String appKey, boolean register, boolean hasVideo) {

    static final int MAX_NAME = 256;

    /** The same request publishing under another name (renamed by the admission point). */
    CallRequest withToStream(String name) {
        return new CallRequest(callId, target, callee, login, authName, password, domain, proxyHost, proxyPort,
                visibleName, name, rtmpUrl, rtmpStream, appKey, register, hasVideo);
    }

    /** @throws ControlError 400 naming the bad field */
    static CallRequest parse(JsonObject q) {
        String callId = text(q, "callId");
        if (callId == null || callId.isBlank()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "callId is required");
        }
        checkName("callId", callId);
        String callee = text(q, "callee");
        String domain = text(q, "sipDomain");
        String port = text(q, "sipPort");
        String proxy = text(q, "sipOutboundProxy");
        SipTarget target;
        String proxyHost = null;
        int proxyPort = 0;
        try {
            target = SipTarget.parse(callee, domain, proxy == null || proxy.isBlank() ? port : null);
            if (proxy != null && !proxy.isBlank()) {
                String[] hp = SipTarget.splitHostPort(proxy.trim(), "sipOutboundProxy");
                proxyHost = hp[0];
                String p = hp[1] != null ? hp[1] : port;
                proxyPort = p == null || p.isBlank() ? 5060 : SipTarget.parse("x", "h", p).port();
            }
        } catch (IllegalArgumentException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, e.getMessage());
        }
        if (!bool(q, "hasAudio", true)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "hasAudio: a call without audio has nothing to bridge");
        }
        String login = or(text(q, "sipLogin"), "estuary");
        if (!login.matches("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]{1,128}")) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "sipLogin has characters a SIP user part cannot carry: " + login);
        }
        String toStream = or(text(q, "toStream"), callId).trim();
        checkName("toStream", toStream);
        String visible = or(text(q, "visibleName"), "");
        checkName("visibleName", visible);
        String rtmpUrl = or(text(q, "rtmpUrl"), "").trim();
        if (!rtmpUrl.isEmpty() && !rtmpUrl.matches("(?i)rtmps?://[^\\s]+")) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "rtmpUrl must be an rtmp:// URL: " + rtmpUrl);
        }
        String rtmpStream = or(text(q, "rtmpStream"), "").trim();
        checkName("rtmpStream", rtmpStream);
        return new CallRequest(callId, target, callee, login, or(text(q, "sipAuthenticationName"), login),
                or(text(q, "sipPassword"), ""), domain == null || domain.isBlank() ? target.host() : domain.trim(),
                proxyHost, proxyPort, visible, toStream, rtmpUrl, rtmpStream, or(text(q, "appKey"), ""),
                bool(q, "sipRegisterRequired", false), bool(q, "hasVideo", false));
    }

    private static void checkName(String field, String v) {
        if (v.length() > MAX_NAME || v.chars().anyMatch(Character::isISOControl)) {
            throw new ControlError(ApiStatus.BAD_REQUEST, field + " must be at most " + MAX_NAME
                    + " characters without control characters");
        }
    }

    static String text(JsonObject q, String key) {
        Object v = q.getValue(key);
        return v == null ? null : v.toString();
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v;
    }

    private static boolean bool(JsonObject q, String key, boolean dflt) {
        Object v = q.getValue(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ControlError(ApiStatus.BAD_REQUEST, key + " must be true or false, got \"" + s + "\"");
    }
}
