package org.estuary.verticles.webrtc;

/**
 * Keys exported from a finished DTLS handshake (RFC 5764 §4.2): as the DTLS server we decrypt
 * with the client's key and salt and encrypt with the server's.
 */
record SrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {

    static SrtpKeys fromExported(SrtpProfile p, byte[] m) {
        int k = p.keyLength;
        int s = p.saltLength;
        byte[] ck = new byte[k];
        byte[] sk = new byte[k];
        byte[] cs = new byte[s];
        byte[] ss = new byte[s];
        System.arraycopy(m, 0, ck, 0, k);
        System.arraycopy(m, k, sk, 0, k);
        System.arraycopy(m, 2 * k, cs, 0, s);
        System.arraycopy(m, 2 * k + s, ss, 0, s);
        return new SrtpKeys(p, ck, cs, sk, ss);
    }

    /**
     * The same keys for the DTLS client's side (we dialled another server): {@link SrtpTransform}
     * decrypts with the "client" fields, so they now hold the server's key and salt, and back.
     */
    SrtpKeys asClient() {
        return new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }
}
