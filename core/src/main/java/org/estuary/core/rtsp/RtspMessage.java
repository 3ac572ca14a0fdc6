package org.estuary.core.rtsp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One RTSP/1.0 request or response. Headers keep their order and case; lookups ignore case.
 * Mutable while being built, then only read.
 */
public final class RtspMessage {
    private final String method;
    private final String uri;
    private final int status;
    private final String reason;
    private final List<String[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    private RtspMessage(String method, String uri, int status, String reason) {
        this.method = method;
        this.uri = uri;
        this.status = status;
        this.reason = reason;
    }

    public static RtspMessage request(String method, String uri) {
        return new RtspMessage(method, uri, 0, null);
    }

    public static RtspMessage response(int status, String reason) {
        return new RtspMessage(null, null, status, reason);
    }

    public boolean isRequest() { return method != null; }
    public String method() { return method; }
    public String uri() { return uri; }
    public int status() { return status; }
    public String reason() { return reason; }
    public byte[] body() { return body; }
    public String bodyText() { return new String(body, StandardCharsets.UTF_8); }

    public RtspMessage header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public RtspMessage body(byte[] b) {
        this.body = b;
        return this;
    }

    /** The first value of {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order (WWW-Authenticate may repeat). */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                out.add(h[1]);
            }
        }
        return out;
    }

    public int cseq() {
        String v = header("CSeq");
        try {
            return v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The wire form; Content-Length is added when there is a body. */
    public byte[] serialize() {
        StringBuilder sb = new StringBuilder(256);
        if (isRequest()) {
            sb.append(method).append(' ').append(uri).append(" RTSP/1.0\r\n");
        } else {
            sb.append("RTSP/1.0 ").append(status).append(' ').append(reason).append("\r\n");
        }
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase("Content-Length")) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        if (body.length > 0) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    @Override
    public String toString() {
        return isRequest() ? method + " " + uri : "RTSP/1.0 " + status + " " + reason;
    }
}
