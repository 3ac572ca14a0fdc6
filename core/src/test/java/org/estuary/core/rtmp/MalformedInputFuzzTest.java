package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.estuary.core.amf.Amf0;
import org.estuary.core.amf.AmfEcmaArray;
import org.estuary.core.amf.AmfException;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.codec.HevcConfig;
import org.estuary.core.flv.FlvAudio;
import org.estuary.core.flv.FlvException;
import org.estuary.core.flv.FlvVideo;
import org.junit.jupiter.api.Test;

/**
 * Feeds thousands of random, truncated and bit-flipped inputs (fixed seed) to every decoder that
 * sees peer bytes. Each must end in success or its checked exception: an unchecked exception or
 * a hang is a bug a hostile client could trigger.
 */
class MalformedInputFuzzTest {
    private static final int ROUNDS = 20_000;

    private interface Decoder {
        void decode(byte[] input) throws Exception;
    }

    private static void expectCleanOutcome(String name, byte[] input, Decoder d) {
        try {
            d.decode(input);
        } catch (AmfException | RtmpProtocolException | FlvException | CodecConfigException e) {
            // a clean failure
        } catch (Throwable t) {
            fail(name + " escaped " + t + " on input " + hex(input), t);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 64); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s + (b.length > 64 ? "... (" + b.length + " bytes)" : "");
    }

    /** Valid inputs to mutate, so the fuzzer gets past the first checks. */
    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        chunks.writeBytes(ChunkEncoder.encode(RtmpControl.setChunkSize(64), 128));
        chunks.writeBytes(ChunkEncoder.encode(new RtmpMessage(3, 20, 0, 0,
                RtmpCommand.connectResult(1, "ok").encode()), 64));
        chunks.writeBytes(ChunkEncoder.encode(new RtmpMessage(400, 9, 0x1FFFFFF, 1, new byte[300]), 64));
        chunks.writeBytes(new byte[] {(byte) 0x84, 0, 0, 5, 1, 2}); // fmt2 short message? (mutations decide)
        seeds.add(chunks.toByteArray());
        seeds.add(Amf0.encode("onMetaData", new AmfEcmaArray(Map.of("width", 1280.0, "enc", "x")),
                List.of(1.0, Map.of("a", List.of())), new java.util.Date(5)));
        seeds.add(AvcConfig.build(java.util.HexFormat.of().parseHex("6742C01FDA014016E84000000300400000" + "0F03C60CA8"),
                List.of(new byte[] {0x68, (byte) 0xCE, 0x3C, (byte) 0x80})));
        seeds.add(java.util.HexFormat.of().parseHex("6742C01FDA014016E84000000300400000" + "0F03C60CA8"));
        seeds.add(java.util.HexFormat.of().parseHex("91687663310000210000000265"));
        seeds.add(java.util.HexFormat.of().parseHex("AF001210"));
        seeds.add(new byte[] {0x12, 0x10});
        return seeds;
    }

    private static byte[] nextInput(Random r, List<byte[]> seeds) {
        switch (r.nextInt(4)) {
            case 0: { // pure noise
                byte[] b = new byte[r.nextInt(r.nextBoolean() ? 32 : 4000)];
                r.nextBytes(b);
                return b;
            }
            case 1: { // truncated seed
                byte[] s = seeds.get(r.nextInt(seeds.size()));
                return Arrays.copyOf(s, r.nextInt(s.length + 1));
            }
            default: { // seed with flipped bytes
                byte[] s = seeds.get(r.nextInt(seeds.size())).clone();
                int flips = 1 + r.nextInt(6);
                for (int i = 0; i < flips && s.length > 0; i++) {
                    s[r.nextInt(s.length)] = (byte) r.nextInt(256);
                }
                return s;
            }
        }
    }

    @Test
    void everyDecoderFailsCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(0xE57A);
            List<byte[]> seeds = seeds();
            for (int i = 0; i < ROUNDS; i++) {
                byte[] in = nextInput(r, seeds);
                long splitSeed = r.nextLong();
                expectCleanOutcome("ChunkDecoder", in, b -> {
                    ChunkDecoder d = new ChunkDecoder(64 * 1024);
                    Random split = new Random(splitSeed);
                    int pos = 0;
                    while (pos < b.length) {
                        int n = Math.min(b.length - pos, 1 + split.nextInt(64));
                        d.feed(b, pos, n, m -> { });
                        pos += n;
                    }
                });
                expectCleanOutcome("HandshakeServer", in, b -> {
                    Handshake.Result res = new HandshakeServer().feed(b);
                    if (res == null) {
                        throw new AssertionError("null result");
                    }
                });
                expectCleanOutcome("Amf0", in, Amf0::decodeAll);
                expectCleanOutcome("RtmpCommand", in, RtmpCommand::parse);
                expectCleanOutcome("FlvVideo", in, FlvVideo::parse);
                expectCleanOutcome("FlvAudio", in, FlvAudio::parse);
                expectCleanOutcome("AvcConfig", in, AvcConfig::parse);
                expectCleanOutcome("HevcConfig", in, HevcConfig::parse);
                expectCleanOutcome("H264Sps", in, H264Sps::parse);
                expectCleanOutcome("AacConfig", in, AacConfig::parse);
                expectCleanOutcome("UserControl", in, RtmpControl::parseUserControl);
            }
        });
    }

    @Test
    void hugeDeclaredLengthsDoNotAllocate() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // a 16 MiB - 1 message announced, then nothing: must not allocate the full size up front
            // (60 streams x 16 MiB would be close to 1 GiB if buffers were sized by the declared length)
            ChunkDecoder d = new ChunkDecoder(16 * 1024 * 1024);
            d.feed(ChunkEncoder.encode(RtmpControl.setChunkSize(1), 128), m -> { });
            for (int csid = 3; csid < 63; csid++) {
                byte[] header = {(byte) csid, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 9, 1, 0, 0, 0, 1};
                d.feed(header, m -> { });
            }
            expectCleanOutcome("Amf0 long string", new byte[] {0x0C, 0x7F, -1, -1, -1, 'a'}, Amf0::decodeAll);
            expectCleanOutcome("Amf0 array", new byte[] {0x0A, 0x7F, -1, -1, -1, 5}, Amf0::decodeAll);
        });
    }
}
