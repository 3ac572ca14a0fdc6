package org.estuary.core.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of an {@link Admission}: allowed or not (with the reason the client and the log see),
 * the stream name to use (a backend may rename it) and fields to attach to the publisher/reader.
 */
public record AdmissionDecision(boolean allowed, String reason, String streamName, Map<String, String> fields) {

    public AdmissionDecision {
        reason = reason == null ? "" : reason;
        streamName = streamName == null ? "" : streamName;
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /** Allowed, unchanged. */
    public static AdmissionDecision allow(AdmissionRequest request) {
        return new AdmissionDecision(true, "", request.streamName(), Map.of());
    }

    public static AdmissionDecision deny(String reason) {
        return new AdmissionDecision(false, reason, "", Map.of());
    }

    /** This decision with {@code later}'s rename and fields applied on top (later fields win). */
    AdmissionDecision then(AdmissionDecision later) {
        Map<String, String> merged = new LinkedHashMap<>(fields);
        merged.putAll(later.fields());
        return new AdmissionDecision(later.allowed(), later.reason(), later.streamName(), merged);
    }
}
