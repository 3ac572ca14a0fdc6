package org.estuary.verticles.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * One DTLS 1.2 server handshake for WebRTC: ECDSA certificate, use_srtp, a mandatory client
 * certificate whose SHA-256 must equal the offer's a=fingerprint, and SRTP key export. Chromium
 * offers DTLS 1.3, which bctls cannot serve; limited to 1.2 it negotiates 1.2.
 */
final class DtlsServer extends DefaultTlsServer {
    private final JcaTlsCrypto crypto;
    private final DtlsIdentity identity;
    private final byte[] expectedFingerprint;
    private final int handshakeTimeoutMs;
    private SrtpProfile profile;
    private volatile SrtpKeys keys;

    DtlsServer(JcaTlsCrypto crypto, DtlsIdentity identity, byte[] expectedFingerprint, int handshakeTimeoutMs) {
        super(crypto);
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.crypto = crypto;
        this.identity = identity;
        this.expectedFingerprint = expectedFingerprint;
    }

    SrtpKeys keys() {
        return keys;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMs;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        };
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return DtlsCommon.ecdsaSigner(context, crypto, identity);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(org.bouncycastle.tls.Certificate cert) throws IOException {
        DtlsCommon.checkFingerprint(cert, expectedFingerprint, "client");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData srtp = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (srtp == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offered no use_srtp");
        }
        for (SrtpProfile p : SrtpProfile.values()) {
            for (int offered : srtp.getProtectionProfiles()) {
                if (offered == p.tlsId && profile == null) {
                    profile = p;
                }
            }
        }
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = super.getServerExtensions();
        if (ext == null) {
            ext = new Hashtable();
        }
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {profile.tlsId}, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = DtlsCommon.exportedKeys(context, profile);
    }
}
