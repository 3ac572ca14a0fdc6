package org.estuary.it.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * (MESSAGE-INTEGRITY), runs a real DTLS 1.2 client handshake with use_srtp (BouncyCastle, one
 * ECDSA certificate made once for all players, whose fingerprint is in every offer), then counts
 * the SRTP bytes that arrive and keeps ICE consent with a Binding request every 2 s. Packets are not
 * decrypted: the server's work (packetising, SRTP, sending) is what is measured.
 *
 * <p>Threads (issue 12: one thread per player let only 184 of 500 connect, the players' blocking
 * receives of media starving the handshakes): the connects (HTTP, STUN, DTLS, blocking) run on a
 * small pool; a connected player's channel then turns non-blocking and one receiver thread reads
 * every player with a selector. Consent checks go from a thread of their own: on a starved machine
 * (the load client runs at nice 19 beside other work) a pass of the receiver over hundreds of
 * players took longer than the server's consent timeout, and the server dropped every player.
 */
final class WhepLoadClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CONNECT_THREADS = Integer.getInteger("bench.connectThreads", 16);

    final LongAdder bytes = new LongAdder();
    final LongAdder packets = new LongAdder();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final ExecutorService connects;
    private final Thread receiver;
    private final java.util.concurrent.ScheduledExecutorService consent;
    private volatile boolean stopping;
    private final Selector selector;
    private final Queue<Player> joining = new ConcurrentLinkedQueue<>();
    private final List<Player> players = Collections.synchronizedList(new ArrayList<>());
    private final KeyPair key;
    private final org.bouncycastle.tls.Certificate certificate;
    private final String fingerprint;
    private final JcaTlsCrypto crypto;
    private volatile boolean closed;
    private volatile String lastError = "";

    /** One connected player: its channel, what its consent checks need, and when media last came (receiver thread). */
    private static final class Player {
        final DatagramChannel channel;
        final String user;
        final String serverPwd;
        final DTLSTransport dtls;
        volatile long lastMediaMs;

        Player(DatagramChannel channel, String user, String serverPwd, DTLSTransport dtls) {
            this.channel = channel;
            this.user = user;
            this.serverPwd = serverPwd;
            this.dtls = dtls;
        }

        DatagramChannel channel() {
            return channel;
        }

        DTLSTransport dtls() {
            return dtls;
        }
    }

    /** Players that received media in the last {@code ms}: connected players the server is really sending to. */
    int receiving(long ms) {
        long since = System.currentTimeMillis() - ms;
        synchronized (players) {
            return (int) players.stream().filter(p -> p.lastMediaMs >= since).count();
        }
    }

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
        selector = Selector.open();
        receiver = new Thread(this::receive, "whep-load-receiver");
        receiver.setDaemon(true);
        receiver.start();
        consent = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "whep-load-consent");
            t.setDaemon(true);
            return t;
        });
        consent.scheduleWithFixedDelay(this::consent, 2, 2, java.util.concurrent.TimeUnit.SECONDS);
        AtomicInteger n = new AtomicInteger();
        connects = Executors.newFixedThreadPool(CONNECT_THREADS, r -> {
            Thread t = new Thread(r, "whep-load-connect-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < players; i++) {
            connects.execute(() -> connect(whepUrl));
        }
    }

    /** No more players connect from now on (the ones connecting are abandoned): the measured set is fixed. */
    void stopConnecting() {
        stopping = true;
        connects.shutdownNow();
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

    /** WHEP offer, ICE nomination and DTLS handshake, blocking, on a connect thread; then the receiver takes over. */
    private void connect(String whepUrl) {
        String ufrag = token(8);
        String pwd = token(24);
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
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
            channel.connect(server);
            DatagramSocket socket = channel.socket(); // blocking adaptor with timeouts while connecting
            socket.setSoTimeout(1000);
            byte[] buf = new byte[2048];
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
            DTLSTransport dtls = new DTLSClientProtocol().connect(new Client(), new Transport(channel));
            if (stopping || closed) {
                channel.close(); // connected after stopConnecting(): not a measured player
                return;
            }
            channel.configureBlocking(false);
            Player p = new Player(channel, user, serverPwd, dtls);
            players.add(p);
            joining.add(p);
            connected.incrementAndGet();
            selector.wakeup();
        } catch (Exception e) {
            closeQuietly(channel);
            if (!closed && !stopping) { // abandoned by stopConnecting(): not a failure
                failed.incrementAndGet();
                lastError = e.toString();
            }
        }
    }

    /** ICE consent (a Binding request) for every connected player, every 2 s. */
    private void consent() {
        Player[] all;
        synchronized (players) {
            all = players.toArray(new Player[0]);
        }
        for (Player q : all) {
            try {
                q.channel.write(ByteBuffer.wrap(Stun.bindingRequest(tid(), q.user, q.serverPwd, false)));
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    lastError = "consent: " + e; // this player only; the others still get theirs
                }
            }
        }
    }

    /** The receiver thread: every connected player's SRTP counted. */
    private void receive() {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        while (!closed) {
            try {
                Player p;
                while ((p = joining.poll()) != null) {
                    p.channel().register(selector, SelectionKey.OP_READ, p);
                }
                selector.select(500);
                for (SelectionKey k : selector.selectedKeys()) {
                    DatagramChannel c = (DatagramChannel) k.channel();
                    ((Player) k.attachment()).lastMediaMs = System.currentTimeMillis();
                    for (int i = 0; i < 16; i++) { // drain, but let the other players have their turn too
                        buf.clear();
                        if (c.receive(buf) == null) {
                            break;
                        }
                        int b0 = buf.get(0) & 0xFF;
                        if (b0 >= 128 && b0 <= 191) {
                            bytes.add(buf.position());
                            packets.increment();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    lastError = "receiver: " + e;
                }
            }
        }
    }

    private static void closeQuietly(DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static byte[] tid() {
        byte[] t = new byte[12];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(t);
        return t;
    }

    /** DTLS over the player's connected channel (blocking while connecting); STUN answers that arrive meanwhile are skipped. */
    private static final class Transport implements DatagramTransport {
        private final DatagramChannel channel;
        private final DatagramSocket socket;

        Transport(DatagramChannel channel) {
            this.channel = channel;
            this.socket = channel.socket();
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
            channel.write(ByteBuffer.wrap(buf, off, len)); // also once non-blocking (close_notify at the end)
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
        stopping = true;
        connects.shutdownNow();
        consent.shutdownNow();
        closed = true;
        selector.wakeup();
        receiver.join(3000);
        synchronized (players) {
            for (Player p : players) {
                try {
                    p.dtls().close(); // close_notify: the server ends the session now, not at consent timeout
                } catch (IOException | RuntimeException ignored) {
                    // closing anyway
                }
                closeQuietly(p.channel());
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
        connects.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
    }
}
