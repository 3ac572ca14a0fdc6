package org.estuary.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estuary.core.amf.Amf0;
import org.estuary.core.amf.AmfException;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AdtsReader;
import org.estuary.core.codec.AnnexBReader;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.flv.FlvAudio;
import org.estuary.core.flv.FlvException;
import org.estuary.core.flv.FlvVideo;
import org.estuary.core.mp4.Mp4FormatException;
import org.estuary.core.mp4.Mp4Reader;
import org.estuary.core.mpegts.TsDemuxer;
import org.estuary.core.rtmp.ChunkDecoder;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.HandshakeServer;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpControl;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.core.rtmp.RtmpProtocolException;
import org.estuary.core.rtsp.AacDepacketizer;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.FramePerPacketDepacketizer;
import org.estuary.core.rtsp.H264Depacketizer;
import org.estuary.core.rtsp.H265Depacketizer;
import org.estuary.core.rtsp.RtpPacket;
import org.estuary.core.rtsp.RtspMessage;
import org.estuary.core.rtsp.RtspParser;
import org.estuary.core.rtsp.RtspProtocolException;
import org.estuary.core.rtsp.Sdp;
import org.estuary.core.sip.RtpHeader;
import org.estuary.core.sip.SdpMedia;
import org.estuary.core.webrtc.SdpException;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.Stun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for every parser of untrusted bytes in core (issue 15 item 5); see
 * {@link MutationFuzzer} for how inputs are made, the budget and what counts as a finding. Each
 * target names the only exceptions its parser may refuse an input with.
 */
@Tag("fuzz")
class ParserFuzzTest {
    private static final AccessUnitSink SINK = new AccessUnitSink() {
        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) { }

        @Override
        public void config(byte[] record) { }
    };

    private static void fuzz(MutationFuzzer f) {
        assertTrue(f.run() > 0);
    }

    @Test
    void rtmpHandshake() {
        byte[] c0c1 = new byte[1537 + 1536];
        c0c1[0] = 3;
        fuzz(new MutationFuzzer("rtmp-handshake", in -> {
            HandshakeServer h = new HandshakeServer();
            int half = in.length / 2;
            h.feed(in, 0, half);
            h.feed(in, half, in.length - half);
        }).seed(c0c1));
    }

    @Test
    void rtmpChunkStreamWithCommands() {
        Map<String, Object> connect = new LinkedHashMap<>();
        connect.put("app", "live");
        connect.put("tcUrl", "rtmp://127.0.0.1/live");
        connect.put("flashVer", "FMLE/3.0");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        ChunkEncoder.encodeTo(RtmpControl.setChunkSize(4096), 128, s);
        ChunkEncoder.encodeTo(RtmpCommand.of("connect", 1, connect).toMessage(RtmpCommand.COMMAND_CSID, 0), 128, s);
        ChunkEncoder.encodeTo(RtmpCommand.of("createStream", 2, null).toMessage(RtmpCommand.COMMAND_CSID, 0), 4096, s);
        ChunkEncoder.encodeTo(RtmpCommand.of("publish", 3, null, "cam?secret=x", "live").toMessage(RtmpCommand.COMMAND_CSID, 1), 4096, s);
        byte[] video = new byte[300];
        video[0] = 0x17;
        ChunkEncoder.encodeTo(new RtmpMessage(6, MessageType.VIDEO, 40, 1, video), 4096, s);
        ChunkEncoder.encodeTo(new RtmpMessage(6, MessageType.VIDEO, 80, 1, video), 4096, s);
        fuzz(new MutationFuzzer("rtmp-chunks", in -> {
            ChunkDecoder d = new ChunkDecoder(1 << 20);
            d.feed(in, 0, in.length, m -> {
                if (m.typeId() == MessageType.COMMAND_AMF0) {
                    try {
                        RtmpCommand c = RtmpCommand.parse(m.payload());
                        c.property("app");
                        c.stringArg(0);
                    } catch (AmfException e) {
                        // refused command: fine
                    }
                } else if (m.typeId() == MessageType.VIDEO) {
                    try {
                        FlvVideo.parse(m.payload());
                    } catch (FlvException e) {
                        // refused tag: fine
                    }
                }
            });
        }, RtmpProtocolException.class).seed(s.toByteArray()));
    }

    @Test
    void amf0() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", "live");
        o.put("n", 1.5);
        o.put("b", true);
        o.put("nested", Map.of("x", "y"));
        fuzz(new MutationFuzzer("amf0", Amf0::decodeAll, AmfException.class)
                .seed(Amf0.encode("connect", 1.0, o, null, "x")));
    }

    @Test
    void flvAndEnhancedRtmpTags() {
        byte[] hevcEnhanced = {(byte) 0x90, 'h', 'v', 'c', '1', 1, 2, 3, 4};
        fuzz(new MutationFuzzer("flv", in -> {
            try {
                FlvVideo.parse(in);
            } finally {
                FlvAudio.parse(in);
            }
        }, FlvException.class).seed(hevcEnhanced));
    }

    @Test
    void codecConfigurationRecords() {
        fuzz(new MutationFuzzer("codec-config", in -> {
            tryParse(() -> AvcConfig.parse(in));
            tryParse(() -> HevcConfig.parse(in));
            tryParse(() -> AacConfig.parse(in));
            tryParse(() -> H264Sps.parse(in));
            tryParse(() -> HevcConfig.spsSize(in));
            AdtsReader.split(in);
            AnnexBReader.split(in);
        }).seed(new byte[] {0x12, 0x10}).seed(new byte[] {1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1, 0, 4,
                0x67, 0x42, (byte) 0xC0, 0x1E, 1, 0, 2, 0x68, (byte) 0xCE}));
    }

    private interface Parse {
        Object run() throws CodecConfigException;
    }

    private static void tryParse(Parse p) {
        try {
            p.run();
        } catch (CodecConfigException e) {
            // refused: fine
        }
    }

    @Test
    void rtspMessages() {
        String describe = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Base: rtsp://cam/s/\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp().length() + "\r\n\r\n" + sdp()
                + "$\u0000\u0000\u0004abcd" + "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 3\r\n\r\n";
        fuzz(new MutationFuzzer("rtsp", in -> {
            RtspParser p = new RtspParser(new RtspParser.Sink() {
                @Override
                public void message(RtspMessage m) {
                    if (m.body() != null && m.body().length > 0) {
                        Sdp.parse(new String(m.body(), StandardCharsets.UTF_8));
                    }
                }

                @Override
                public void interleaved(int channel, byte[] data) { }
            }, 8192, 65536);
            int third = in.length / 3;
            p.feed(in, 0, third);
            p.feed(in, third, in.length - third);
        }, RtspProtocolException.class).seed(describe.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String sdp() {
        return "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cam\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=control:*\r\n"
                + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkBQBbsBEAAAAMAQAAADyPFi2WA,aMuMsg==\r\na=control:track1\r\n"
                + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\n"
                + "a=fmtp:97 streamtype=5;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\na=control:track2\r\n"
                + "m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
    }

    @Test
    void sdpOfRtspAndSip() {
        fuzz(new MutationFuzzer("sdp", in -> {
            String text = new String(in, StandardCharsets.UTF_8);
            Sdp.parse(text);
            SdpMedia.parse(text);
        }).seed(sdp().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void webrtcSdpOffer() {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=setup:actpass\r\na=sendrecv\r\na=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=ssrc:1 cname:x\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=setup:actpass\r\na=sendrecv\r\na=rtcp-mux\r\n"
                + "a=rtpmap:96 H264/90000\r\na=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtcp-fb:96 nack pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=ssrc-group:FID 2 3\r\n";
        fuzz(new MutationFuzzer("webrtc-sdp", in -> SdpOffer.parse(new String(in, StandardCharsets.UTF_8)),
                SdpException.class, IllegalArgumentException.class).seed(offer.getBytes(StandardCharsets.UTF_8)));
    }

    /** RTP packets framed as [u16 length][packet]... so one input is a sequence of packets. */
    private static void depacketize(byte[] in, Depacketizer d) {
        int i = 0;
        while (i + 2 <= in.length) {
            int len = Math.min(((in[i] & 0xFF) << 8) | (in[i + 1] & 0xFF), in.length - i - 2);
            byte[] pkt = java.util.Arrays.copyOfRange(in, i + 2, i + 2 + len);
            i += 2 + len;
            RtpPacket p = RtpPacket.parse(pkt);
            if (p != null) {
                d.accept(p);
            }
        }
    }

    private static byte[] packets(int pt, byte[]... payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int seq = 100;
        for (byte[] p : payloads) {
            byte[] pkt = RtpHeader.write(pt, seq == 100 + payloads.length - 1, seq++, 9000, 1234, p);
            out.write(pkt.length >> 8);
            out.write(pkt.length);
            out.writeBytes(pkt);
        }
        return out.toByteArray();
    }

    @Test
    void rtpH264() {
        byte[] sps = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9, 0x01, 0x40};
        byte[] pps = {0x68, (byte) 0xCB, (byte) 0x8C, (byte) 0xB2};
        byte[] stap = {0x18, 0, 7, 0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9, 0x01, 0x40, 0, 4, 0x68, (byte) 0xCB, (byte) 0x8C, (byte) 0xB2};
        fuzz(new MutationFuzzer("rtp-h264", in -> depacketize(in, new H264Depacketizer(SINK)))
                .seed(packets(96, sps, pps, new byte[] {0x65, (byte) 0x88, 1, 2, 3}))
                .seed(packets(96, stap, new byte[] {0x7C, (byte) 0x85, 1, 2}, new byte[] {0x7C, 0x05, 3, 4},
                        new byte[] {0x7C, 0x45, 5, 6})));
    }

    @Test
    void rtpH265() {
        fuzz(new MutationFuzzer("rtp-h265", in -> depacketize(in, new H265Depacketizer(SINK)))
                .seed(packets(96, new byte[] {0x40, 1, 1, 2}, new byte[] {0x42, 1, 1, 2, 3}, new byte[] {0x44, 1, 5},
                        new byte[] {0x26, 1, (byte) 0xAF, 1, 2}))
                .seed(packets(96, new byte[] {0x60, 1, 0, 3, 0x40, 1, 9, 0, 3, 0x42, 1, 9},
                        new byte[] {0x62, 1, (byte) 0x93, 1, 2}, new byte[] {0x62, 1, 0x13, 3}, new byte[] {0x62, 1, 0x53, 4})));
    }

    @Test
    void rtpAac() {
        fuzz(new MutationFuzzer("rtp-aac", in -> depacketize(in, new AacDepacketizer(SINK, "1190", 13, 3, 3)))
                .seed(packets(97, new byte[] {0, 16, 0, 0x20, 1, 2, 3, 4}, new byte[] {0, 32, 0, 0x10, 0, 0x10, 9, 8, 7, 6})));
    }

    @Test
    void rtpOpus() {
        fuzz(new MutationFuzzer("rtp-opus", in -> depacketize(in, new FramePerPacketDepacketizer(SINK)))
                .seed(packets(111, new byte[] {(byte) 0xFC, 1, 2, 3}, new byte[] {0x78, 4})));
    }

    @Test
    void mpegTs() {
        fuzz(new MutationFuzzer("mpegts", in -> {
            TsDemuxer d = new TsDemuxer(pes -> {
                if (pes.streamType() == TsDemuxer.TYPE_AAC_ADTS) {
                    AdtsReader.split(pes.data());
                } else {
                    AnnexBReader.split(pes.data());
                }
            }, 1 << 20);
            int half = in.length / 2;
            d.feed(in, 0, half);
            d.feed(in, half, in.length - half);
        }));
    }

    @Test
    void mp4Reader() {
        fuzz(new MutationFuzzer("mp4", in -> Mp4Reader.read(new Mp4Reader.Source() {
            @Override
            public long size() {
                return in.length;
            }

            @Override
            public void read(long pos, byte[] dst, int off, int len) throws IOException {
                if (pos < 0 || pos + len > in.length) {
                    throw new EOFException("read past the end");
                }
                System.arraycopy(in, (int) pos, dst, off, len);
            }
        }), IOException.class, Mp4FormatException.class));
    }

    @Test
    void stunBindingRequests() {
        byte[] req = Stun.bindingRequest(new byte[12], "remote:local", "password-password", true);
        fuzz(new MutationFuzzer("stun", in -> {
            Stun.BindingRequest r = Stun.parseBindingRequest(in, in.length);
            if (r != null) {
                Stun.verify(in, r, "password-password");
            }
        }).seed(req));
    }
}
