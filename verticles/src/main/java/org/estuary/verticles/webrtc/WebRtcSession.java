package org.estuary.verticles.webrtc;

import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.webrtc.Negotiation;

/**
 * One browser peer connection as the engine sees it: ICE credentials, the remote address ICE
 * nominated, the DTLS state and the media side (publish or play). Event-loop only.
 */
final class WebRtcSession {
    enum State { WAITING_ICE, DTLS, CONNECTED, CLOSED }

    final String id;
    final String ufrag;
    final String pwd;
    final byte[] remoteFingerprint;
    final WebRtcSessions.Request request;
    /** The answered m-lines (replaced by a room participant's re-offer). */
    List<Negotiation.Line> lines;
    final long ourSsrc;
    final long createdMs;
    State state = State.WAITING_ICE;
    SocketAddress remote;
    String remoteKey;
    long lastConsentMs;
    DtlsChannel dtls;
    SrtpTransform srtp;
    SessionMedia media;
    /** The stream published or played (after an admission rename). */
    String publishedName;
    /** SRTP that raced ahead of our handshake thread (the browser starts sending as soon as its side is done). */
    final java.util.ArrayDeque<byte[]> early = new java.util.ArrayDeque<>();
    static final int MAX_EARLY = 128;
    private Consumer<String> onClosed;
    /** Set when we dialled (server-to-server): our ICE checks towards the far end. */
    IceClient ice;
    /** A dialled session's own UDP socket (null: the engine's shared one). */
    io.vertx.core.datagram.DatagramSocket socket;
    /** Called once when SRTP is up (dialled sessions tell their agent). */
    Runnable onConnected;

    WebRtcSession(String id, String ufrag, String pwd, byte[] remoteFingerprint, WebRtcSessions.Request request,
                  List<Negotiation.Line> lines, long ourSsrc, long nowMs) {
        this.id = id;
        this.ufrag = ufrag;
        this.pwd = pwd;
        this.remoteFingerprint = remoteFingerprint;
        this.request = request;
        this.lines = lines;
        this.ourSsrc = ourSsrc;
        this.createdMs = nowMs;
        this.lastConsentMs = nowMs;
        this.onClosed = request.onClosed();
    }

    /** Ends the session and frees what it holds; returns false when it was already closed. */
    boolean close(String reason) {
        if (state == State.CLOSED) {
            return false;
        }
        state = State.CLOSED;
        if (dtls != null) {
            dtls.close();
        }
        if (media != null) {
            media.close(reason);
        }
        if (srtp != null) {
            srtp.close();
        }
        Consumer<String> l = onClosed;
        onClosed = null;
        if (l != null) {
            l.accept(reason);
        }
        return true;
    }
}
