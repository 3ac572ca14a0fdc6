package org.estuary.it.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.estuary.core.webrtc.Stun;

/**
 * WHEP players that do not decode: each POSTs a recvonly offer (H.264 + Opus) to
 * {@code /whep/<stream>}, nominates the server's candidate with an ICE-lite Binding request
 * (MESSAGE-INTEGRITY), runs a real DTLS 1.2 client handshake with use_srtp (BouncyCastle, an
 * ECDSA certificate whose fingerprint is in the offer), then counts the SRTP bytes that arrive
 * and keeps ICE consent with a Binding request every 2 s. Packets are not decrypted: the server's
 * work (packetising, SRTP, sending) is what is measured. One thread per player.
 */
final class WhepLoadClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    final LongAdder bytes = new LongAdder();
    final LongAdder packets = new LongAdder();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final KeyPair key;
    private final org.bouncycastle.tls.Certificate certificate;
    private final String fingerprint;
    private final JcaTlsCrypto crypto;
    private volatile boolean closed;
    private volatile String lastError = "";

    WhepLoadClient(String whepUrl, int players) throws Exception {
        crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(RANDOM);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        key = g.generateKeyPair();
        byte[] der = new JcaX509v3CertificateBuilder(new X500Name("CN=whep-load"), BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE),
                new Date(System.currentTimeMillis() - 86_400_000L), new Date(System.currentTimeMillis() + 86_400_000L),
                new X500Name("CN=whep-load"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        certificate = new org.bouncycastle.tls.Certificate(new org.bouncycastle.tls.crypto.TlsCertificate[] {crypto.createCertificate(der)});
        fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        for (int i = 0; i < players; i++) {
            Thread t = new Thread(() -> play(whepUrl), "whep-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
            Thread.sleep(20); // spread the handshakes a little
        }
    }

    String lastError() {
        return lastError;
    }

    private static String token(int n) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(RANDOM.nextInt(chars.length())));
        }
        return b.toString();
    }

    private String offer(String ufrag, String pwd) {
        String ice = "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\na=fingerprint:sha-256 " + fingerprint
                + "\r\na=setup:active\r\n";
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 103\r\nc=IN IP4 0.0.0.0\r\n" + ice + "a=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n"
                + "a=rtpmap:103 H264/90000\r\na=rtcp-fb:103 nack\r\na=rtcp-fb:103 nack pli\r\n"
                + "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n" + ice + "a=mid:1\r\na=recvonly\r\na=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n";
    }

    private static String attribute(String sdp, String name) {
        for (String l : sdp.split("\r?\n")) {
            if (l.startsWith("a=" + name + ":")) {
                return l.substring(name.length() + 3).trim();
            }
        }
        throw new IllegalStateException("answer without a=" + name);
    }

    private void play(String whepUrl) {
        String ufrag = token(8);
        String pwd = token(24);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            synchronized (sockets) {
                sockets.add(socket);
            }
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(whepUrl)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer(ufrag, pwd))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IOException("WHEP answered " + r.statusCode() + ": " + r.body());
            }
            String answer = r.body();
            String[] cand = attribute(answer, "candidate").split(" ");
            InetSocketAddress server = new InetSocketAddress(cand[4], Integer.parseInt(cand[5]));
            String user = attribute(answer, "ice-ufrag") + ":" + ufrag;
            String serverPwd = attribute(answer, "ice-pwd");
            socket.connect(server);
            socket.setSoTimeout(1000);
            byte[] buf = new byte[2048];
            // ICE: nominate until the server answers
            boolean answered = false;
            for (int i = 0; i < 30 && !answered && !closed; i++) {
                byte[] req = Stun.bindingRequest(tid(), user, serverPwd, true);
                socket.send(new DatagramPacket(req, req.length));
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    answered = p.getLength() >= 20 && (buf[0] & 0xFF) == 0x01 && (buf[1] & 0xFF) == 0x01;
                } catch (SocketTimeoutException again) {
                    // retry
                }
            }
            if (!answered) {
                throw new IOException("no STUN answer");
            }
            DTLSTransport dtls = new DTLSClientProtocol().connect(new Client(), new Transport(socket));
            connected.incrementAndGet();
            long nextConsent = System.currentTimeMillis() + 2000;
            socket.setSoTimeout(500);
            while (!closed) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    int b0 = buf[0] & 0xFF;
                    if (b0 >= 128 && b0 <= 191) {
                        bytes.add(p.getLength());
                        packets.increment();
                    }
                } catch (SocketTimeoutException idle) {
                    // consent below
                }
                long now = System.currentTimeMillis();
                if (now >= nextConsent) {
                    nextConsent = now + 2000;
                    byte[] req = Stun.bindingRequest(tid(), user, serverPwd, false);
                    socket.send(new DatagramPacket(req, req.length));
                }
            }
            dtls.close();
        } catch (Exception e) {
            if (!closed) {
                failed.incrementAndGet();
                lastError = e.toString();
            }
        }
    }

    private static byte[] tid() {
        byte[] t = new byte[12];
        RANDOM.nextBytes(t);
        return t;
    }

    /** DTLS over the player's connected socket; STUN answers that arrive meanwhile are skipped. */
    private static final class Transport implements DatagramTransport {
        private final DatagramSocket socket;

        Transport(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override public int getReceiveLimit() { return 1500; }
        @Override public int getSendLimit() { return 1200; }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            long end = System.currentTimeMillis() + waitMillis;
            while (true) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return -1;
                }
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, off, len);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return -1;
                }
                int b0 = buf[off] & 0xFF;
                if (b0 >= 20 && b0 <= 63) {
                    return p.getLength();
                }
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            socket.send(new DatagramPacket(buf, off, len));
        }

        @Override
        public void close() {
            // the player closes its socket
        }
    }

    private final class Client extends DefaultTlsClient {
        Client() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public Hashtable<Integer, byte[]> getClientExtensions() throws IOException {
            Hashtable<Integer, byte[]> ext = TlsExtensionsUtilsCompat.ensure(super.getClientExtensions());
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
                    SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    if (serverCertificate.getCertificate().isEmpty()) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate);
                    }
                    // a load client: the server's fingerprint is not checked
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key.getPrivate(),
                            certificate, SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }
    }

    /** DefaultTlsClient may hand back null extensions. */
    private static final class TlsExtensionsUtilsCompat {
        static Hashtable<Integer, byte[]> ensure(Hashtable<Integer, byte[]> h) {
            return h == null ? new Hashtable<>() : h;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        synchronized (sockets) {
            for (DatagramSocket s : sockets) {
                s.close();
            }
        }
        for (Thread t : threads) {
            t.join(3000);
        }
    }
}
