package org.estuary.verticles.webrtc;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The process's DTLS identity: one self-signed ECDSA P-256 certificate (what Chromium uses too),
 * made at start. Its SHA-256 fingerprint goes into every SDP answer.
 */
final class DtlsIdentity {
    final PrivateKey privateKey;
    final byte[] certificateDer;
    final byte[] fingerprint;

    private DtlsIdentity(PrivateKey key, byte[] der, byte[] fingerprint) {
        this.privateKey = key;
        this.certificateDer = der;
        this.fingerprint = fingerprint;
    }

    static DtlsIdentity generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            long now = System.currentTimeMillis();
            X500Name name = new X500Name("CN=estuary-webrtc");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE),
                    new Date(now - 86_400_000L), new Date(now + 365L * 86_400_000L), name, kp.getPublic());
            X509CertificateHolder cert = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            byte[] der = cert.getEncoded();
            return new DtlsIdentity(kp.getPrivate(), der, sha256(der));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the DTLS certificate: " + e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
