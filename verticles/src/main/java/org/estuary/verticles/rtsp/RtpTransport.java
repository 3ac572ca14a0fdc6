package org.estuary.verticles.rtsp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.util.Locale;
import org.estuary.core.rtp.JitterBuffer;
import org.estuary.core.rtp.RtpReception;
import org.estuary.core.rtsp.RtpPacket;
import org.estuary.core.rtsp.RtpTrack;

/** How the RTP/RTCP of one track travel: interleaved on the RTSP connection, or a UDP port pair. */
final class RtpTransport {
    static final int JITTER_PACKETS = 512;
    static final long JITTER_DELAY_MS = 150;

    private RtpTransport() { }

    static final class Track {
        final RtpTrack track;
        /** RFC 3550 reception statistics for our receiver reports. */
        final RtpReception stats;
        /** UDP only: reorder buffer. */
        final JitterBuffer<RtpPacket> jitter;
        int rtpChannel;
        final DatagramSocket rtpSocket;
        final DatagramSocket rtcpSocket;
        final int clientPort;
        String serverHost;
        int serverRtcpPort = -1;

        private Track(RtpTrack track, int channel, DatagramSocket rtp, DatagramSocket rtcp, int clientPort) {
            this.track = track;
            this.rtpChannel = channel;
            this.rtpSocket = rtp;
            this.rtcpSocket = rtcp;
            this.clientPort = clientPort;
            this.jitter = rtp == null ? null : new JitterBuffer<>(JITTER_PACKETS, JITTER_DELAY_MS);
            this.stats = new RtpReception(Math.max(1, track.media().clockRate()));
        }

        static Track interleaved(RtpTrack track, int channel) {
            return new Track(track, channel, null, null, -1);
        }

        static Track udp(RtpTrack track, DatagramSocket rtp, DatagramSocket rtcp, int port) {
            return new Track(track, -1, rtp, rtcp, port);
        }

        boolean isUdp() {
            return rtpSocket != null;
        }

        String transportHeader() {
            return isUdp()
                    ? "RTP/AVP;unicast;client_port=" + clientPort + "-" + (clientPort + 1)
                    : "RTP/AVP/TCP;unicast;interleaved=" + rtpChannel + "-" + (rtpChannel + 1);
        }

        /** Takes the server's choices from its Transport answer; returns an error text or null. */
        String applyServerTransport(String header, String host) {
            if (header == null) {
                return "SETUP answer without a Transport header";
            }
            String h = header.toLowerCase(Locale.ROOT);
            if (isUdp() && h.contains("/tcp")) {
                return "the server answered UDP SETUP with TCP transport";
            }
            serverHost = host;
            for (String part : h.split(";")) {
                String p = part.trim();
                try {
                    if (!isUdp() && p.startsWith("interleaved=")) {
                        rtpChannel = Integer.parseInt(p.substring(12).split("-")[0].trim());
                    } else if (isUdp() && p.startsWith("server_port=")) {
                        String[] ports = p.substring(12).split("-");
                        serverRtcpPort = ports.length > 1 ? Integer.parseInt(ports[1].trim()) : Integer.parseInt(ports[0].trim()) + 1;
                    } else if (isUdp() && p.startsWith("source=")) {
                        serverHost = p.substring(7).trim();
                    }
                } catch (NumberFormatException e) {
                    return "bad Transport answer: " + header;
                }
            }
            return null;
        }

        void sendRtcp(byte[] packet, RtspConnection control) {
            if (isUdp()) {
                if (serverRtcpPort > 0) {
                    rtcpSocket.send(Buffer.buffer(packet), serverRtcpPort, serverHost);
                }
            } else if (control != null) {
                Buffer b = Buffer.buffer(4 + packet.length);
                b.appendByte((byte) '$').appendByte((byte) (rtpChannel + 1)).appendUnsignedShort(packet.length).appendBytes(packet);
                control.write(b);
            }
        }

        void close(UdpPorts ports) {
            if (isUdp()) {
                rtpSocket.close();
                rtcpSocket.close();
                ports.release(clientPort);
            }
        }
    }
}
