package org.estuary.verticles.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * One DTLS 1.2 client handshake, for when Estuary dials another server (it answers
 * {@code a=setup:passive}, so we connect): our ECDSA certificate, use_srtp with both our profiles,
 * the server certificate checked against the answer's a=fingerprint, SRTP key export with the
 * roles turned round (we decrypt with the server's key, encrypt with the client's).
 */
final class DtlsClient extends DefaultTlsClient {
    private final JcaTlsCrypto crypto;
    private final DtlsIdentity identity;
    private final byte[] expectedFingerprint;
    private final int handshakeTimeoutMs;
    private SrtpProfile profile;
    private volatile SrtpKeys keys;

    DtlsClient(JcaTlsCrypto crypto, DtlsIdentity identity, byte[] expectedFingerprint, int handshakeTimeoutMs) {
        super(crypto);
        this.crypto = crypto;
        this.identity = identity;
        this.expectedFingerprint = expectedFingerprint;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    /** Keys as an {@link SrtpTransform} of this side wants them, once the handshake is done. */
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
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        };
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = super.getClientExtensions();
        if (ext == null) {
            ext = new Hashtable();
        }
        SrtpProfile[] ps = SrtpProfile.values();
        int[] ids = new int[ps.length];
        for (int i = 0; i < ps.length; i++) {
            ids[i] = ps[i].tlsId;
        }
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData srtp = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        int[] chosen = srtp == null ? new int[0] : srtp.getProtectionProfiles();
        profile = chosen.length == 1 ? SrtpProfile.byTlsId(chosen[0]) : null;
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server chose no SRTP profile we offered");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsCommon.checkFingerprint(serverCertificate.getCertificate(), expectedFingerprint, "server");
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return DtlsCommon.ecdsaSigner(context, crypto, identity);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = DtlsCommon.exportedKeys(context, profile).asClient();
    }
}
