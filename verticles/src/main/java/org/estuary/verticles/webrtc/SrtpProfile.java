package org.estuary.verticles.webrtc;

import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtpPolicy;

/** The two SRTP protection profiles we negotiate, in our order of preference. */
enum SrtpProfile {
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12),
    AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14);

    final int tlsId;
    final int keyLength;
    final int saltLength;

    SrtpProfile(int tlsId, int keyLength, int saltLength) {
        this.tlsId = tlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    SrtpPolicy policy() {
        SrtpPolicy p = this == AEAD_AES_128_GCM
                ? new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, 16, SrtpPolicy.NULL_AUTHENTICATION, 0, 16, 12)
                : new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16, SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
        return p;
    }

    static SrtpProfile byTlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.tlsId == id) {
                return p;
            }
        }
        return null;
    }
}
