package org.estuary.core.rtsp;

import java.util.Arrays;

/**
 * Payloads where each RTP packet is one access unit: G.711 (PCMA/PCMU, RFC 3551) and Opus
 * (RFC 7587). Empty packets are dropped.
 */
public final class FramePerPacketDepacketizer implements Depacketizer {
    private final AccessUnitSink sink;
    private long discarded;

    public FramePerPacketDepacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    @Override
    public void accept(RtpPacket p) {
        if (p.payloadLength() <= 0) {
            discarded++;
            return;
        }
        sink.accessUnit(p.timestamp(), Arrays.copyOfRange(p.data(), p.payloadOffset(), p.payloadOffset() + p.payloadLength()), true);
    }

    @Override
    public long discarded() {
        return discarded;
    }
}
