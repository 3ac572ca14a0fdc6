package org.estuary.core.session;

import java.util.Map;
import java.util.Objects;

/**
 * What a client asks for, as every protocol describes it to {@link Admission} before a connection
 * is accepted, a publish starts or a reader attaches.
 *
 * @param action        connect, publish or play
 * @param protocol      "RTMP", "HLS", "MPEGTS-UDP", "MPEGTS-SRT", "HTTP" (recording downloads), ...
 * @param app           the application (RTMP app), or "" where the protocol has none
 * @param streamName    the stream (or, for downloads, the file name); "" for connect
 * @param clientAddress the client's IP address, or "" when the protocol does not expose it
 * @param params        query parameters and custom data the client sent (e.g. {@code ?secret=...})
 */
public record AdmissionRequest(Action action, String protocol, String app, String streamName, String clientAddress,
                               Map<String, String> params) {

    /** The three points where a protocol asks. */
    public enum Action { CONNECT, PUBLISH, PLAY }

    public AdmissionRequest {
        Objects.requireNonNull(action, "action");
        protocol = protocol == null ? "" : protocol;
        app = app == null ? "" : app;
        streamName = streamName == null ? "" : streamName;
        clientAddress = clientAddress == null ? "" : clientAddress;
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** The same request for another stream name (after a rename by an earlier link of a chain). */
    public AdmissionRequest withStreamName(String name) {
        return new AdmissionRequest(action, protocol, app, name, clientAddress, params);
    }
}
