package org.estuary.verticles.webrtc;

import io.vertx.core.net.SocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.webrtc.SdpCandidates;
import org.estuary.core.webrtc.Stun;

/**
 * The controlling full-ICE side of a session we dialled (server-to-server pull/push): checks
 * every remote UDP candidate with USE-CANDIDATE (aggressive nomination, which an ICE-lite remote
 * expects), takes the first pair that answers, then keeps sending consent checks on it
 * (RFC 7675). Event-loop only.
 */
final class IceClient {
    /** Binding requests in flight we remember; older ones are forgotten (their answers ignored). */
    private static final int MAX_PENDING = 64;
    /** Checks before the pair is chosen, and consent checks after (Chromium sends them every 1-2 s). */
    static final long CHECK_EVERY_MS = 100;
    static final long CONSENT_EVERY_MS = 1_500;
    /** Our host candidate's priority (type preference 126, one local address, component 1). */
    private static final long PRIORITY = (126L << 24) | (65535L << 8) | 255;

    /** One Binding request to send. */
    record Check(byte[] packet, SocketAddress to) { }

    private final String username;
    private final String remotePwd;
    private final List<SocketAddress> candidates = new ArrayList<>();
    private final long tieBreaker;
    private final SecureRandom random;
    private final Map<String, SocketAddress> pending = new LinkedHashMap<>();
    private long lastSentMs;

    IceClient(String ourUfrag, String remoteUfrag, String remotePwd, List<SdpCandidates.Remote> remote, SecureRandom random) {
        // a check we send names the remote's ufrag first (RFC 8445 §7.2.2)
        this.username = remoteUfrag + ":" + ourUfrag;
        this.remotePwd = remotePwd;
        this.random = random;
        this.tieBreaker = random.nextLong();
        for (SdpCandidates.Remote r : remote) {
            candidates.add(SocketAddress.inetSocketAddress(r.port(), r.address()));
        }
    }

    boolean hasCandidates() {
        return !candidates.isEmpty();
    }

    /** The checks due at {@code nowMs}: every candidate while none answered, the chosen one afterwards. */
    List<Check> due(long nowMs, SocketAddress chosen) {
        long every = chosen == null ? CHECK_EVERY_MS : CONSENT_EVERY_MS;
        if (nowMs - lastSentMs < every) {
            return List.of();
        }
        lastSentMs = nowMs;
        List<Check> out = new ArrayList<>();
        for (SocketAddress to : chosen == null ? candidates : List.of(chosen)) {
            byte[] tid = new byte[12];
            random.nextBytes(tid);
            pending.put(HexFormat.of().formatHex(tid), to);
            out.add(new Check(Stun.bindingRequest(tid, username, remotePwd, true, PRIORITY, tieBreaker), to));
        }
        Iterator<String> it = pending.keySet().iterator();
        while (pending.size() > MAX_PENDING && it.hasNext()) {
            it.next();
            it.remove();
        }
        return out;
    }

    /**
     * The candidate a Binding success response answers, or null when it is not an authentic
     * answer to one of our checks (wrong transaction, integrity, or a different source address).
     */
    SocketAddress answered(byte[] d, int len, SocketAddress from) {
        byte[] tid = Stun.bindingSuccessTransaction(d, len, remotePwd);
        if (tid == null) {
            return null;
        }
        SocketAddress to = pending.remove(HexFormat.of().formatHex(tid));
        if (to == null || to.port() != from.port()) {
            return null;
        }
        return to;
    }
}
