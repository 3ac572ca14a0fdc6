package org.estuary.core.rtsp;

import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of the RTSP control connection: RTSP messages interleaved with {@code $}
 * framed RTP/RTCP packets (RFC 2326 §10.12). Feed it whatever the socket delivers; complete units
 * go to the {@link Sink}. Limits guard against a peer that never ends its headers or announces a
 * huge body.
 */
public final class RtspParser {
    /** Receives parsed units, on the feeding thread. */
    public interface Sink {
        void message(RtspMessage m);

        /** {@code data} is a fresh copy the sink may keep. */
        void interleaved(int channel, byte[] data);
    }

    private final Sink sink;
    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    private byte[] buf = new byte[8192];
    private int start;
    private int end;

    public RtspParser(Sink sink, int maxHeaderBytes, int maxBodyBytes) {
        this.sink = sink;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void feed(byte[] data, int off, int len) throws RtspProtocolException {
        append(data, off, len);
        while (start < end && parseOne()) {
            // keep going while whole units are available
        }
        if (start == end) {
            start = end = 0;
        }
    }

    private void append(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, bigger, 0, live);
                buf = bigger;
            } else {
                System.arraycopy(buf, start, buf, 0, live);
            }
            start = 0;
            end = live;
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    private boolean parseOne() throws RtspProtocolException {
        int avail = end - start;
        if (buf[start] == '$') {
            if (avail < 4) {
                return false;
            }
            int channel = buf[start + 1] & 0xFF;
            int len = ((buf[start + 2] & 0xFF) << 8) | (buf[start + 3] & 0xFF);
            if (avail < 4 + len) {
                return false;
            }
            byte[] pkt = new byte[len];
            System.arraycopy(buf, start + 4, pkt, 0, len);
            start += 4 + len;
            sink.interleaved(channel, pkt);
            return true;
        }
        int headEnd = findHeadEnd();
        if (headEnd < 0) {
            if (avail > maxHeaderBytes) {
                throw new RtspProtocolException("RTSP headers longer than " + maxHeaderBytes + " bytes");
            }
            return false;
        }
        if (headEnd - start > maxHeaderBytes) {
            throw new RtspProtocolException("RTSP headers longer than " + maxHeaderBytes + " bytes");
        }
        String head = new String(buf, start, headEnd - start, StandardCharsets.ISO_8859_1);
        RtspMessage m = parseHead(head);
        int bodyLen = contentLength(m);
        int bodyStart = skipTerminator(headEnd);
        if (end - bodyStart < bodyLen) {
            return false;
        }
        byte[] body = new byte[bodyLen];
        System.arraycopy(buf, bodyStart, body, 0, bodyLen);
        m.body(body);
        start = bodyStart + bodyLen;
        sink.message(m);
        return true;
    }

    /** Index of the blank line ending the head (CRLFCRLF, or bare LFLF from sloppy servers). */
    private int findHeadEnd() {
        int limit = Math.min(end, start + maxHeaderBytes + 4);
        for (int i = start; i < limit - 1; i++) {
            if (buf[i] == '\n' && buf[i + 1] == '\n') {
                return i;
            }
            if (i + 3 < limit && buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int skipTerminator(int headEnd) {
        return buf[headEnd] == '\r' ? headEnd + 4 : headEnd + 2;
    }

    private int contentLength(RtspMessage m) throws RtspProtocolException {
        String v = m.header("Content-Length");
        if (v == null) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RtspProtocolException("bad Content-Length: " + v);
        }
        if (n < 0 || n > maxBodyBytes) {
            throw new RtspProtocolException("Content-Length " + n + " outside 0.." + maxBodyBytes);
        }
        return n;
    }

    static RtspMessage parseHead(String head) throws RtspProtocolException {
        String[] lines = head.split("\r?\n");
        if (lines.length == 0) {
            // a head of line breaks only: split drops every (empty) piece
            throw new RtspProtocolException("empty message head");
        }
        String first = lines[0];
        RtspMessage m;
        if (first.startsWith("RTSP/")) {
            String[] p = first.split(" ", 3);
            if (p.length < 2) {
                throw new RtspProtocolException("bad status line: " + abbreviate(first));
            }
            int status;
            try {
                status = Integer.parseInt(p[1]);
            } catch (NumberFormatException e) {
                throw new RtspProtocolException("bad status code: " + abbreviate(first));
            }
            if (status < 100 || status > 999) {
                throw new RtspProtocolException("bad status code: " + status);
            }
            m = RtspMessage.response(status, p.length > 2 ? p[2] : "");
        } else {
            String[] p = first.split(" ");
            if (p.length != 3 || !p[2].startsWith("RTSP/") || p[0].isEmpty()) {
                throw new RtspProtocolException("not an RTSP message: " + abbreviate(first));
            }
            m = RtspMessage.request(p[0], p[1]);
        }
        String name = null;
        StringBuilder value = null;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t') && name != null) {
                value.append(' ').append(l.trim()); // obsolete line folding
                continue;
            }
            if (name != null) {
                m.header(name, value.toString());
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new RtspProtocolException("bad header line: " + abbreviate(l));
            }
            name = l.substring(0, colon).trim();
            value = new StringBuilder(l.substring(colon + 1).trim());
        }
        if (name != null) {
            m.header(name, value.toString());
        }
        return m;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
