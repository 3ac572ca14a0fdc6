package org.estuary.verticles.webrtc;

import java.io.IOException;
import java.security.MessageDigest;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/** What the DTLS server (browsers dial us) and client (we dial a server) handshakes do alike. */
final class DtlsCommon {
    private DtlsCommon() {
    }

    /** Our ECDSA certificate and key as the signer of our side of the handshake. */
    static TlsCredentialedSigner ecdsaSigner(TlsContext context, JcaTlsCrypto crypto, DtlsIdentity identity)
            throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(identity.certificateDer)});
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey, chain,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** Refuses the peer's certificate unless its SHA-256 is the SDP's a=fingerprint; {@code who} names the peer. */
    static void checkFingerprint(Certificate chain, byte[] expectedFingerprint, String who) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "no " + who + " certificate");
        }
        byte[] fp = DtlsIdentity.sha256(chain.getCertificateAt(0).getEncoded());
        if (!MessageDigest.isEqual(fp, expectedFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, who + " certificate does not match a=fingerprint");
        }
    }

    /** The SRTP keys exported from a finished handshake (RFC 5764 §4.2), in the server's order. */
    static SrtpKeys exportedKeys(TlsContext context, SrtpProfile profile) {
        byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (profile.keyLength + profile.saltLength));
        return SrtpKeys.fromExported(profile, m);
    }
}
