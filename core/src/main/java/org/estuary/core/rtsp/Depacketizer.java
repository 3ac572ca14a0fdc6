package org.estuary.core.rtsp;

/**
 * Turns RTP packets of one track, fed in sequence order, into access units. Sequence gaps
 * (loss) and malformed payloads never throw: the damaged unit is dropped and counted.
 */
public interface Depacketizer {
    void accept(RtpPacket p);

    /** Packets or units dropped as malformed or damaged by loss. */
    long discarded();
}
