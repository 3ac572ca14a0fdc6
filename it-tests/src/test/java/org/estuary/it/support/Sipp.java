package org.estuary.it.support;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * sipp (Debian package sip-tester) as a SIP peer on 127.0.0.1, running one of the scenarios in
 * {@code src/test/resources/sipp/} with {@code @NAME@} placeholders filled in. Replaying RTP
 * pcaps needs root or CAP_NET_RAW (sipp sends them through a raw socket).
 */
public final class Sipp implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final int mediaPort;

    private Sipp(Process process, Path dir, int port, int mediaPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.mediaPort = mediaPort;
    }

    public int port() { return port; }
    public int mediaPort() { return mediaPort; }
    public Path dir() { return dir; }
    public boolean isAlive() { return process.isAlive(); }

    /** Starts sipp as a UAS (it waits for calls) with {@code scenario} from the test resources. */
    public static Sipp uas(String name, String scenario, Map<String, String> vars) throws IOException, InterruptedException {
        return start(name, scenario, vars, List.of());
    }

    public static Sipp start(String name, String scenario, Map<String, String> vars, List<String> extraArgs)
            throws IOException, InterruptedException {
        String sipp = Peers.require("sipp", "sip-tester");
        Path file = scenario(name, scenario, vars);
        Path dir = file.getParent();
        int port = Ports.free();
        int media = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(sipp, "-sf", file.toString(), "-t", "u1", "-i", "127.0.0.1",
                "-p", String.valueOf(port), "-mi", "127.0.0.1", "-mp", String.valueOf(media), "-ci", "127.0.0.1",
                "-nostdin", "-aa", "-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        p.getOutputStream().close();
        Sipp s = new Sipp(p, dir, port, media);
        Await.until(java.time.Duration.ofSeconds(10), "sipp listening on " + port, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("sipp exited: " + Files.readString(dir.resolve("sipp.out")));
            }
            return Peers.run(5, "ss", "-lunH", "src 127.0.0.1:" + port).output().contains(":" + port);
        });
        return s;
    }

    /** {@code scenario} from the test resources with its {@code @NAME@} placeholders filled in, in a new temp dir. */
    private static Path scenario(String name, String scenario, Map<String, String> vars) throws IOException {
        Path dir = Files.createTempDirectory("sipp-" + name);
        String xml;
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + scenario)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario " + scenario);
            }
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (var e : vars.entrySet()) {
            xml = xml.replace("@" + e.getKey() + "@", e.getValue());
        }
        Path file = dir.resolve(scenario);
        Files.writeString(file, xml);
        return file;
    }

    /**
     * Starts sipp as a UAC placing one call to {@code sip:<user>@127.0.0.1:<port>} from {@code localIp}
     * (a 127.x address: loopback has them all) with {@code scenario}; {@link #exitCode} waits for its end.
     */
    public static Sipp uac(String name, String scenario, Map<String, String> vars, String user, int port, String localIp)
            throws IOException {
        String sipp = Peers.require("sipp", "sip-tester");
        Path file = scenario(name, scenario, vars);
        Path dir = file.getParent();
        int local = Ports.free();
        int media = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(sipp, "127.0.0.1:" + port, "-sf", file.toString(), "-s", user,
                "-t", "u1", "-i", localIp, "-p", String.valueOf(local), "-mi", localIp, "-mp", String.valueOf(media),
                "-m", "1", "-nostdin", "-timeout", "60", "-timeout_error", "-trace_msg", "-message_file",
                dir.resolve("messages.log").toString(), "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        p.getOutputStream().close();
        return new Sipp(p, dir, local, media);
    }

    /** Waits for sipp to end: 0 when its scenario ran to the end, with sipp's output in the failure otherwise. */
    public int exitCode(java.time.Duration limit) throws IOException, InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("sipp still running after " + limit + ": " + messages());
        }
        return process.exitValue();
    }

    /** sipp's output and errors, for failure messages. */
    public String output() throws IOException {
        Path out = dir.resolve("sipp.out");
        Path err = dir.resolve("errors.log");
        return (Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "")
                + (Files.exists(err) ? Files.readString(err, StandardCharsets.ISO_8859_1) : "");
    }

    /** sipp's trace of every SIP message it sent and received so far. */
    public String messages() throws IOException {
        Path f = dir.resolve("messages.log");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    }

    /** Stops sipp and removes its temporary directory (scenario, traces). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        NginxRtmp.deleteTree(dir);
    }

    /** Writes a pcap (Ethernet/IPv4/UDP/RTP) of PCMU/8000 in 20 ms packets: a sine of {@code hz}. */
    public static Path pcmuTonePcap(Path out, int hz, double seconds) throws IOException {
        int samples = (int) (seconds * 8000);
        List<byte[]> packets = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int n = 0; n * 160 + 160 <= samples; n++) {
            byte[] rtp = new byte[12 + 160];
            rtp[0] = (byte) 0x80;
            rtp[1] = (byte) (n == 0 ? 0x80 : 0);
            rtp[2] = (byte) (n >> 8);
            rtp[3] = (byte) n;
            int ts = n * 160;
            rtp[4] = (byte) (ts >> 24);
            rtp[5] = (byte) (ts >> 16);
            rtp[6] = (byte) (ts >> 8);
            rtp[7] = (byte) ts;
            rtp[8] = 0x5E;
            rtp[9] = (byte) 0xED;
            rtp[11] = 1;
            for (int i = 0; i < 160; i++) {
                int k = n * 160 + i;
                rtp[12 + i] = ulaw((int) (8000 * Math.sin(2 * Math.PI * hz * k / 8000.0)));
            }
            packets.add(rtp);
            times.add(n * 20_000L);
        }
        return writePcap(out, packets, times);
    }

    /**
     * Writes a pcap of H.264 RTP (RFC 6184, packetization-mode 1, payload type 96) as FFmpeg's RTP
     * muxer packetises it: {@code seconds} of libx264 baseline test pattern at {@code size} and
     * {@code fps}, a key frame (with SPS/PPS in band) every second. FFmpeg sends to a UDP socket
     * of this test as fast as it encodes; the pcap's times come from the RTP timestamps (90 kHz),
     * so sipp replays it in real time.
     */
    public static Path h264Pcap(Path out, String size, int fps, double seconds) throws IOException, InterruptedException {
        List<byte[]> packets = new ArrayList<>();
        try (java.net.DatagramSocket sock = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            sock.setReceiveBufferSize(8 << 20);
            sock.setSoTimeout(500);
            Process ff = new ProcessBuilder(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + fps, "-t", String.valueOf(seconds),
                    "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-tune", "zerolatency",
                    "-pix_fmt", "yuv420p", "-g", String.valueOf(fps), "-bf", "0", "-b:v", "300k",
                    "-f", "rtp", "-payload_type", "96", "rtp://127.0.0.1:" + sock.getLocalPort() + "?pkt_size=1200")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            byte[] buf = new byte[65536];
            long quietSince = 0;
            while (true) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                try {
                    sock.receive(p);
                    quietSince = 0;
                    packets.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                } catch (java.net.SocketTimeoutException e) {
                    if (!ff.isAlive() && ++quietSince >= 2) {
                        break;
                    }
                }
            }
            if (ff.exitValue() != 0) {
                throw new IOException("ffmpeg RTP output failed: exit " + ff.exitValue());
            }
        }
        if (packets.isEmpty()) {
            throw new IOException("ffmpeg sent no RTP");
        }
        List<Long> times = new ArrayList<>();
        long ts0 = u32(packets.get(0), 4);
        long last = -1;
        for (byte[] rtp : packets) {
            long us = ((u32(rtp, 4) - ts0) & 0xFFFFFFFFL) * 1000 / 90;
            last = Math.max(us, last + 200); // a frame's packets 0.2 ms apart, in order
            times.add(last);
        }
        return writePcap(out, packets, times);
    }

    private static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** A pcap (Ethernet/IPv4/UDP, 127.0.0.1:6000 → :6002) of RTP packets sent at {@code timesUs}. */
    private static Path writePcap(Path out, List<byte[]> packets, List<Long> timesUs) throws IOException {
        try (DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out)))) {
            ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            o.write(head.array());
            for (int n = 0; n < packets.size(); n++) {
                byte[] rtp = packets.get(n);
                ByteBuffer udp = ByteBuffer.allocate(8 + rtp.length);
                udp.putShort((short) 6000).putShort((short) 6002).putShort((short) (8 + rtp.length)).putShort((short) 0).put(rtp);
                ByteBuffer ip = ByteBuffer.allocate(20 + udp.capacity());
                ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udp.capacity())).putShort((short) n)
                        .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0)
                        .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
                byte[] ipb = ip.array();
                int sum = 0;
                for (int i = 0; i < 20; i += 2) {
                    sum += ((ipb[i] & 0xFF) << 8) | (ipb[i + 1] & 0xFF);
                }
                while ((sum >> 16) != 0) {
                    sum = (sum & 0xFFFF) + (sum >> 16);
                }
                int ck = ~sum & 0xFFFF;
                ipb[10] = (byte) (ck >> 8);
                ipb[11] = (byte) ck;
                System.arraycopy(udp.array(), 0, ipb, 20, udp.capacity());
                byte[] frame = new byte[14 + ipb.length];
                frame[12] = 0x08;
                System.arraycopy(ipb, 0, frame, 14, ipb.length);
                long us = timesUs.get(n);
                ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                rec.putInt((int) (us / 1_000_000)).putInt((int) (us % 1_000_000)).putInt(frame.length).putInt(frame.length);
                o.write(rec.array());
                o.write(frame);
            }
        }
        return out;
    }

    private static byte ulaw(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int s = Math.min(Math.abs(sample), 32635) + 0x84;
        int exp = 7;
        for (int mask = 0x4000; exp > 0 && (s & mask) == 0; mask >>= 1) {
            exp--;
        }
        int mant = (s >> (exp + 3)) & 0x0F;
        return (byte) ~(sign | (exp << 4) | mant);
    }
}
